"""Stands in for the cffi module `_valgrind` that HPy's microbenchmarks import (built there from
valgrind's headers): the benchmarks here run without valgrind, so its hooks do nothing."""


class _Lib:
    @staticmethod
    def callgrind_start():
        pass

    @staticmethod
    def callgrind_stop():
        pass

    @staticmethod
    def is_running_on_valgrind():
        return 0


lib = _Lib()
