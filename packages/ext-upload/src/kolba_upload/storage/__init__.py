"""Storage backends: the interface and the three built in (local disk, S3, Qiniu)."""

from .base import BackendSettings as BackendSettings
from .base import Storage as Storage
from .base import StorageFactory as StorageFactory
