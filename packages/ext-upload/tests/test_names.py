"""File names from clients become one safe segment; keys handed back cannot leave the set."""

import pytest

from kolba_upload import BadFilename, secure_filename
from kolba_upload.names import check_key, safe_folder, safe_name


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("..%2f..%2fetc%2fpasswd", "etc_passwd"),
        ("..%252f..%252fsecret.txt", "secret.txt"),
        ("..\\..\\windows\\win.ini", "windows_win.ini"),
        ("/etc/passwd", "etc_passwd"),
        ("C:\\boot.ini", "C__boot.ini"),
        ("evil\x00.php.jpg", "evil.php.jpg"),
        ("头像.JPG", "头像.jpg"),
        ("my photo (1).png", "my_photo_1_.png"),
        (".htaccess", "htaccess"),
        ("ＡＢＣ．ｔｘｔ", "ABC.txt"),
    ],
)
def test_secure_filename_makes_one_safe_segment(given, safe):
    assert secure_filename(given) == safe


@pytest.mark.parametrize("given", ["", "..", "../..", "%2e%2e%2f", "///", " . ", "\x00\x01", "__"])
def test_names_that_sanitise_to_nothing_are_refused(given):
    assert secure_filename(given) == ""
    with pytest.raises(BadFilename) as info:
        safe_name(given)
    assert info.value.code == 400
    assert "no usable characters" in info.value.description


@pytest.mark.parametrize(
    "device", ["CON", "con.txt", "PRN.png", "aux", "NUL.tar.gz", "COM1.log", "lpt9"]
)
def test_windows_device_names_are_prefixed(device):
    assert secure_filename(device) == f"_{device.split('.')[0]}" + (
        "." + device.split(".", 1)[1].lower() if "." in device else ""
    )


def test_long_names_are_cut_to_255_bytes_keeping_the_extension():
    name = secure_filename("图" * 200 + ".jpeg")
    assert len(name.encode()) <= 255
    assert name.endswith(".jpeg")
    name.encode().decode()  # cut on a character boundary


def test_unicode_is_normalised_so_two_spellings_are_one_name():
    composed = "caf\u00e9.txt"
    decomposed = "cafe\u0301.txt"
    assert secure_filename(composed) == secure_filename(decomposed)


@pytest.mark.parametrize(
    "key",
    [
        "../x.txt",
        "a/../../x.txt",
        "/etc/passwd",
        "a//b.txt",
        "a\\..\\b",
        "a%2f..%2fb",
        "x\x00.txt",
        "",
        "a/./b",
        "ｘ.txt",
        "a/" + "b" * 256,
    ],
)
def test_keys_leaving_the_set_are_refused(key):
    with pytest.raises(BadFilename):
        check_key(key)


def test_nested_keys_of_safe_segments_are_accepted():
    assert check_key("2026/头像/a_1.png") == "2026/头像/a_1.png"


def test_folders_are_cleaned_segment_by_segment_and_refuse_parent_parts():
    assert safe_folder("users/7/相册") == "users/7/相册"
    assert safe_folder("a\\b") == "a/b"
    with pytest.raises(BadFilename):
        safe_folder("users/../../etc")
    with pytest.raises(BadFilename):
        safe_folder("%2e%2e/etc")
