"""Named hooks and providers: how an app asks something of an app above it without importing it.

Dependencies point one way (README.md, "Layout"); when a lower app needs an answer that only a higher app
has (marketplace ranks projects by backers, which payments counts), the lower app declares a `Provider` or a
`Hook` with a name that says what it is for, and the higher app registers its function in its
`AppConfig.ready()`. The call site stays a plain function call; nothing is a signal chain.
"""


class Provider:
    """One function that answers a question; `default` answers while no app has provided one."""

    def __init__(self, name, default):
        self.name = name
        self.default = default
        self._function = None

    def provide(self, function):
        self._function = function
        return function

    @property
    def is_provided(self):
        return self._function is not None

    def __call__(self, *args, **kwargs):
        return (self._function or self.default)(*args, **kwargs)

    def __repr__(self):
        return f"<Provider {self.name}>"


class Hook:
    """Functions to call when something happened; every registered function is called, in order."""

    def __init__(self, name):
        self.name = name
        self._functions = []

    def register(self, function):
        if function not in self._functions:
            self._functions.append(function)
        return function

    def unregister(self, function):
        if function in self._functions:
            self._functions.remove(function)

    def __call__(self, *args, **kwargs):
        for function in list(self._functions):
            function(*args, **kwargs)

    def __repr__(self):
        return f"<Hook {self.name}>"
