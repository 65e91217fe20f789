#!/usr/bin/env python3
"""
run.py — runs the API tests (tests/api/test_*.py) and ends with exactly one line
`API <passed> <failed>`, counting test methods (errors count as failed; a class whose
set-up failed counts each of its tests as failed; a failed class tear-down, e.g. a sanitizer
report at server stop, counts as one more failure). Exit status 1 if anything failed.

    python3 tests/api/run.py                   # everything
    python3 tests/api/run.py test_session      # one file, class or test (unittest names)
"""
import os
import re
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _all_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _all_tests(t)
        else:
            yield t


class Result(unittest.TestResult):
    def __init__(self, suite_tests):
        super().__init__()
        self.passed = 0
        self.failed = 0
        self.skipped_n = 0
        self.by_class = {}
        for t in suite_tests:
            key = "%s.%s" % (type(t).__module__, type(t).__qualname__)
            self.by_class[key] = self.by_class.get(key, 0) + 1
        self._t0 = 0.0
        self._sub_failed = {}
        self._counted = set()  # tests already counted as failed

    def startTest(self, test):
        super().startTest(test)
        self._t0 = time.time()

    def _line(self, word, test, extra=""):
        print("%-4s %s (%.1fs)%s" % (word, test.id(), time.time() - self._t0, extra), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1
        self._line("ok", test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed += 1
        self._counted.add(test.id())
        self._line("FAIL", test)
        print(self._exc_info_to_string(err, test), flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        desc = str(test)
        m = re.match(r"(setUpClass|tearDownClass|setUpModule|tearDownModule) \((.*)\)", desc)
        if m and m.group(1) == "setUpClass":
            n = self.by_class.get(m.group(2), 1)
            self.failed += n
            print("FAIL %s: set-up failed; its %d tests count as failed" % (m.group(2), n))
        elif m:
            self.failed += 1
            print("FAIL %s" % desc)
        else:
            self.failed += 1
            self._counted.add(test.id())
            self._line("ERR", test)
        print(self._exc_info_to_string(err, test), flush=True)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            # A failing subtest fails its test method (unittest then calls neither
            # addSuccess nor addFailure for it): counted once, in stopTest.
            self._sub_failed.setdefault(test.id(), []).append(
                "%s\n%s" % (subtest._subDescription(), self._exc_info_to_string(err, test)))

    def stopTest(self, test):
        subs = self._sub_failed.pop(test.id(), None)
        if subs:
            if test.id() not in self._counted:
                self.failed += 1
            self._line("FAIL", test, " — %d subtest(s) failed" % len(subs))
            for s in subs[:10]:
                print(s, flush=True)
            if len(subs) > 10:
                print("... and %d more" % (len(subs) - 10), flush=True)
        super().stopTest(test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_n += 1
        self._line("skip", test, " — " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1
        self._line("ok", test, " (expected failure)")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed += 1
        self._line("FAIL", test, " (unexpected success)")


def main(argv):
    os.chdir(os.path.dirname(os.path.dirname(HERE)))
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    tests = list(_all_tests(suite))
    result = Result(tests)
    t0 = time.time()
    suite.run(result)
    # Failing to import a test file shows up as a _FailedTest.
    print("%d passed, %d failed, %d skipped in %.1f s" % (result.passed, result.failed,
                                                          result.skipped_n, time.time() - t0))
    print("API %d %d" % (result.passed, result.failed), flush=True)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
