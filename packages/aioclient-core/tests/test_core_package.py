import importlib.metadata

import aioclient_core


def test_version_matches_installed_distribution() -> None:
    # Catches a wheel built from a stale _version.py or a broken hatch version path.
    assert aioclient_core.__version__ == importlib.metadata.version("aioclient-core")
