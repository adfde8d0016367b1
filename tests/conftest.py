"""Every test runs without the network and without the user's caches: version facts come only
from the proxies a test starts itself (GOPROXY=off otherwise), and the proxy answer cache lives
in a directory of this session.

Set when this module is imported, not in a hook: the conftests below it build server
environments from os.environ when they are imported, which happens before pytest_configure.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import settings

os.environ["GOPROXY"] = "off"
os.environ["GOENV"] = "off"  # the user's go env file must not reach the tests
os.environ.pop("GONOPROXY", None)
os.environ.pop("GOPRIVATE", None)
os.environ["MODLSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="modlsp-test-cache-")

# Property tests (hypothesis) draw the same examples on every run, so that a run's verdict
# depends on the code alone. To explore new examples, run them with
# HYPOTHESIS_PROFILE=explore (fuzz/README.md); a failure found so becomes an @example.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
