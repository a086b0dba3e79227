#!/usr/bin/env python3
"""Checks of the planted-set generator: the values are what the labels say, where they say.

usage: python3 bench/secrets/test_plant.py    (about a second; needs openssl, ssh-keygen, gpg for the key tests)
"""
import base64
import importlib.util
import json
import os
import re
import shutil
import string
import sys
import tempfile
import unittest
import zlib

spec = importlib.util.spec_from_file_location("plant", os.path.join(os.path.dirname(os.path.abspath(__file__)), "plant.py"))
plant = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plant)


def varint(data, at):
    value = shift = 0
    while True:
        b = data[at]
        at += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, at
        shift += 7


class PlantTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        out = os.path.join(cls.tmp, "planted")
        saved, sys.argv = sys.argv, ["plant.py", out]
        try:
            plant.main()
        finally:
            sys.argv = saved
        cls.tree = os.path.join(out, "tree")
        with open(os.path.join(out, "labels.json")) as f:
            cls.labels = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_every_label_points_at_its_value(self):
        for label in self.labels:
            with open(os.path.join(self.tree, label["file"])) as f:
                lines = f.read().split("\n")
            block = "\n".join(lines[label["line"] - 1:label["endLine"]])
            # The service-account JSON holds its key with escaped newlines.
            self.assertTrue(label["value"] in block or label["value"] in block.replace("\\n", "\n"),
                            f"{label['provider']} not at {label['file']}:{label['line']}")

    def test_at_least_twenty_providers_and_the_issue_s_list(self):
        providers = {l["provider"] for l in self.labels if l["expect"] == "secret"}
        self.assertGreaterEqual(len(providers), 20)
        for p in ("github-pat", "github-fine-grained-pat", "npm-token", "slack-bot-token", "slack-user-token",
                  "slack-webhook-url", "stripe-live-secret-key", "aws-access-key-id", "aws-secret-access-key",
                  "gcp-api-key", "gitlab-pat", "sendgrid-api-key", "twilio-api-key", "shopify-access-token",
                  "pypi-token", "azure-storage-connection-string", "mailgun-api-key", "digitalocean-token",
                  "hashicorp-vault-token", "atlassian-api-token", "databricks-token", "postgres-url-password",
                  "mongodb-url-password", "jwt", "gatehouse-api-key"):
            self.assertIn(p, providers)

    def test_github_and_npm_checksums(self):
        for prefix in ("ghp_", "npm_"):
            token = plant.github_classic(prefix)
            body = token[len(prefix):]
            self.assertRegex(token, "^" + prefix + "[0-9A-Za-z]{36}$")
            self.assertEqual(plant.base62(zlib.crc32(body[:30].encode()), 6), body[30:])
        fine = plant.github_fine_grained()
        self.assertRegex(fine, r"^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$")
        last = fine.rsplit("_", 1)[1]
        self.assertEqual(plant.base62(zlib.crc32(last[:-6].encode()), 6), last[-6:])

    def test_base62_matches_the_csharp_alphabet_and_padding(self):
        self.assertEqual(plant.base62(0, 6), "000000")
        self.assertEqual(plant.base62(61, 2), "0z")
        self.assertEqual(plant.base62(62, 2), "10")
        self.assertEqual(plant.base62(0xFFFFFFFF, 6), "4gfFC3")

    def test_gatehouse_key_layout_and_checksum(self):
        key = plant.gatehouse_key()
        # GatehouseApiKeyFormat.Length: prefix 9 + id 11 + '_' + secret 33 + checksum 6.
        self.assertEqual(len(key), 60)
        self.assertRegex(key, r"^ghk_live_[0-9A-Za-z]{11}_[0-9A-Za-z]{39}$")
        self.assertEqual(plant.base62(zlib.crc32(key[:-6].encode()), 6), key[-6:])

    def test_bech32_matches_the_bip173_vector(self):
        self.assertEqual(plant.bech32_encode("a", b""), "a12uel5l")
        age = plant.bech32_encode("age-secret-key-", bytes(32)).upper()
        self.assertRegex(age, r"^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$")

    def test_pypi_token_is_a_v2_macaroon_for_pypi(self):
        token = plant.pypi_token()
        self.assertTrue(token.startswith("pypi-AgEIcHlwaS5vcmc"))
        raw = base64.urlsafe_b64decode(token[5:] + "=" * (-len(token[5:]) % 4))
        self.assertEqual(raw[0], 2)
        at, fields = 1, []
        while at < len(raw):
            kind, at = varint(raw, at)
            if kind == 0:
                fields.append(("eos", b""))
                continue
            length, at = varint(raw, at)
            fields.append((kind, raw[at:at + length]))
            at += length
        self.assertEqual(fields[0], (1, b"pypi.org"))
        self.assertEqual(fields[1][0], 2)
        self.assertEqual(fields[-1][0], 6)
        self.assertEqual(len(fields[-1][1]), 32)

    def test_jwt_has_three_parts_and_a_json_header(self):
        header, payload, sig = plant.jwt().split(".")
        self.assertEqual(json.loads(base64.urlsafe_b64decode(header + "==")), {"alg": "HS256", "typ": "JWT"})
        self.assertEqual(len(base64.urlsafe_b64decode(sig + "=")), 32)

    def test_private_keys_are_complete_blocks(self):
        keys = [l for l in self.labels if l["provider"].endswith("private-key") and l["expect"] == "secret"]
        for tool, provider in (("openssl", "rsa-pkcs8-private-key"), ("ssh-keygen", "openssh-private-key"),
                               ("gpg", "pgp-private-key")):
            if shutil.which(tool):
                self.assertIn(provider, {l["provider"] for l in keys})
        for l in keys:
            self.assertRegex(l["value"], r"^-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----\n")
            self.assertRegex(l["value"], r"\n-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----$")

    def test_values_are_new_every_run(self):
        self.assertNotEqual(plant.github_classic("ghp_"), plant.github_classic("ghp_"))
        self.assertNotEqual(plant.password(), plant.password())


if __name__ == "__main__":
    unittest.main(verbosity=1)
