"""kolba's conformance suite for extensions, run against ``Uploads``."""

from kolba.conformance import ExtensionConformance
from kolba_upload import Uploads


class TestUploadsConformance(ExtensionConformance):
    extension_class = Uploads
    distribution = "kolba-upload"
    config = {"UPLOAD_FOLDER": "uploads"}
    other_config = {"UPLOAD_FOLDER": "other", "UPLOAD_MAX_SIZE": 1024}
