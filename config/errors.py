"""The one error type for broken configuration."""


class ConfigError(Exception):
    """A configuration file or variable is wrong; the message names the file, the key and why."""
