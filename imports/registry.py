"""Import kinds by name. A kind is added by writing one resource class (a subclass of
`imports.resources.BulkResource`) in its app's resources.py and decorating it with `@register`;
the page, the admin and the `import_roster` command then offer it with no other change.
(Assistants, assignments, training participants and attendance will register here as their
models land.)"""

KINDS = {}


def register(resource_class):
    KINDS[resource_class.kind] = resource_class
    return resource_class


def get(kind):
    return KINDS[kind]


def choices():
    return [(kind, cls.label) for kind, cls in KINDS.items()]
