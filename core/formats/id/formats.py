# One date style, "27 Oktober 2025" ("27 Okt 2025" where space is short), and one time style,
# "14.05" (Indonesian conventions); numbers like 1.585. Inputs still accept 27/10/2025.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = "j F Y, H.i"
SHORT_DATETIME_FORMAT = "j M Y, H.i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
