"""A small rulebook written in the tests, exercising every check kind and lifecycle event."""

from __future__ import annotations

from pathlib import Path

SAMPLE = """
id: sample-book
title: Sample rulebook
issuer: Test issuer
jurisdiction: INT
sources:
  - {id: guide, title: The guide}
  - {id: faq, title: The FAQ}
categories:
  - {id: os, title: Operating systems}
  - {id: app, title: Applications}
levels: [1, 2, 3]
versions:
  - version: v1
    title: First text
    events:
      - {type: draft, date: 2019-06-01}
      - {type: issued, date: 2020-01-01}
      - {type: effective, date: 2020-02-01}
      - {type: clarified, date: 2020-06-01, note: evidence rules eased}
      - {type: suspended, date: 2021-01-01, note: to be revised}
    controls:
      - id: no-md5
        title: No MD5
        text: MD5 must not be used.
        citation: {source: guide, locator: "3.1"}
        checks:
          - {type: algorithms, forbidden: {names: [MD5]}}
      - id: national
        title: National block ciphers
        text: Block ciphers must be of Chinese origin.
        citation: {source: guide, locator: "3.2"}
        checks:
          - type: algorithms
            scope: {primitives: [block-cipher]}
            allowed: {origins: [CN]}
            required: {names: [SM4]}
      - id: rsa-size
        title: RSA 2048
        text: RSA keys of at least 2048 bits.
        citation: {source: guide}
        levels: [2, 3]
        checks:
          - {type: key-sizes, scope: {names: [RSA]}, min_bits: 2048}
      - id: curves
        title: Curves
        text: Only P-256 and SM2 curves.
        citation: {source: guide}
        checks:
          - {type: curves, allowed: [P-256, SM2P256V1]}
      - id: no-ecb
        title: No ECB
        text: ECB is forbidden.
        citation: {source: guide}
        severity: advisory
        checks:
          - {type: modes, forbidden: [ECB]}
      - id: no-secrets
        title: No hidden access
        text: No secrets or access indicators.
        citation: {source: guide}
        checks:
          - {type: finding-kinds, forbidden: [secret, access]}
      - id: certs
        title: Certificates
        text: Certificates unexpired, not SHA-1.
        citation: {source: guide}
        checks:
          - {type: certificates, forbidden_signatures: {names: [SHA-1, MD5]}}
      - id: filing
        title: Source filing
        text: Source code is filed.
        citation: {source: guide}
        categories: [os]
        applies: {until: 2020-05-31, note: filing rules pending}
        checks:
          - type: attested
            evidence:
              - {type: source-code-filing}
      - id: ip
        title: IP rights
        text: IP rights are shown.
        citation: {source: guide}
        checks:
          - type: attested
            evidence:
              - {type: ip-certificate}
              - {type: source-document, accepted_from: 2020-06-01, citation: {source: faq}}
    excluded:
      - {criterion: surveillance ports, reason: anke never checks for hidden access}
    targets:
      - {year: 2020, share: 0.5, categories: [os]}
  - version: v2-draft
    title: Revised draft
    hypothetical: true
    based_on: v1
    drop: [filing]
    events:
      - {type: draft, date: 2021-03-01, note: hypothetical}
  - version: v2
    title: Reissued text
    based_on: v1
    drop: [filing]
    events:
      - {type: reissued, date: 2022-01-01}
      - {type: withdrawn, date: 2024-01-01}
"""


def write_sample(folder: Path, text: str = SAMPLE) -> Path:
    """Write the sample rulebook (or a variant) and return its path."""
    path = folder / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    return path
