"""kolba-upload: file uploads for kolba apps, stored on local disk, S3 or Qiniu behind one
interface, with Flask-Reuploaded's names (``UploadSet``, ``configure_uploads``, ``IMAGES`` ...).
"""

from __future__ import annotations

from .errors import BadFilename as BadFilename
from .errors import ObjectNotFound as ObjectNotFound
from .errors import StorageUnavailable as StorageUnavailable
from .errors import UploadNotAllowed as UploadNotAllowed
from .errors import UploadTooLarge as UploadTooLarge
from .extension import Uploads as Uploads
from .extension import configure_uploads as configure_uploads
from .extension import upload_completed as upload_completed
from .extension import uploads_state as uploads_state
from .names import extension as extension
from .names import secure_filename as secure_filename
from .sets import ALL as ALL
from .sets import ARCHIVES as ARCHIVES
from .sets import AUDIO as AUDIO
from .sets import DATA as DATA
from .sets import DEFAULTS as DEFAULTS
from .sets import DOCUMENTS as DOCUMENTS
from .sets import EXECUTABLES as EXECUTABLES
from .sets import IMAGES as IMAGES
from .sets import SCRIPTS as SCRIPTS
from .sets import SOURCE as SOURCE
from .sets import TEXT as TEXT
from .sets import All as All
from .sets import AllExcept as AllExcept
from .sets import StoredObject as StoredObject
from .sets import UploadSet as UploadSet
from .storage.base import BackendSettings as BackendSettings
from .storage.base import Storage as Storage

__version__ = "0.1.0"
