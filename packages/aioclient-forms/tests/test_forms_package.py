import importlib.metadata

import aioclient_forms


def test_version_matches_installed_distribution() -> None:
    # Catches a wheel built from a stale _version.py or a broken hatch version path.
    assert aioclient_forms.__version__ == importlib.metadata.version("aioclient-forms")
