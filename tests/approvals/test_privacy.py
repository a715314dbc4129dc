from approvals.privacy import keyed_hash, mask_name, matches, new_salt


def test_names_are_masked():
    assert [mask_name(n) for n in ("张三", "张小明", "欧阳小明", "王", "南宁市某某餐饮有限公司")] == \
        ["张*", "张*明", "欧**明", "*", "南宁*******公司"]


def test_hashes_are_keyed_salted_and_verifiable():
    salt = new_salt()
    digest = keyed_hash("k1", salt, "3821")
    assert matches("k1", salt, "3821", digest) and not matches("k1", salt, "3822", digest)
    assert digest != keyed_hash("k2", salt, "3821") and digest != keyed_hash("k1", new_salt(), "3821")
    assert "3821" not in digest and len(digest) == 64
