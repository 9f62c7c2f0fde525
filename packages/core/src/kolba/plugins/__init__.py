"""kolba's plugin system: hook specifications, the per-app manager, the extension base and
discovery of installed extensions through entry points."""

from __future__ import annotations

from .discovery import COMMANDS_GROUP as COMMANDS_GROUP
from .discovery import EXTENSIONS_GROUP as EXTENSIONS_GROUP
from .discovery import InstalledExtension as InstalledExtension
from .discovery import enabled_plugin as enabled_plugin
from .discovery import installed_extensions as installed_extensions
from .discovery import load_extension as load_extension
from .extension import ConfigError as ConfigError
from .extension import ConfigKey as ConfigKey
from .extension import Extension as Extension
from .extension import ExtensionState as ExtensionState
from .extension import HealthCheck as HealthCheck
from .extension import PluginInfo as PluginInfo
from .extension import apply_config as apply_config
from .extension import config_defaults as config_defaults
from .hookspecs import hookspec as hookspec
from .manager import PluginManager as PluginManager
from .manager import hookimpl as hookimpl
