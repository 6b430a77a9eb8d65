def pytest_configure(config):
    config.addinivalue_line("markers", "no_leak_check: runs outside the debug-mode leak check")
