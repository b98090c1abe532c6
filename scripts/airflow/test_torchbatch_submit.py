"""The DAG's exit-code mapping, run against a stand-in spark-submit (Airflow is not needed)."""

import os
import py_compile
import stat
import tempfile
import unittest

from torchbatch_submit import FAIL, RETRY, SUCCESS, outcome, submit

HERE = os.path.dirname(os.path.abspath(__file__))


class SubmitTest(unittest.TestCase):
    def test_each_exit_code_maps_to_what_a_retry_can_do(self):
        self.assertEqual(
            [outcome(code) for code in (0, 1, 2, 3, 4, 137)],
            [SUCCESS, RETRY, FAIL, RETRY, FAIL, RETRY],
        )

    def test_submit_returns_the_jobs_exit_code_and_passes_the_arguments(self):
        with tempfile.TemporaryDirectory() as folder:
            fake = os.path.join(folder, "spark-submit")
            seen = os.path.join(folder, "args")
            with open(fake, "w", encoding="utf-8") as script:
                script.write('#!/bin/sh\necho "$@" > "%s"\nexit "$TB_EXIT"\n' % seen)
            os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
            for code in (0, 2, 4):
                os.environ["TB_EXIT"] = str(code)
                self.assertEqual(submit(fake, ["--name", "n"], ["--input", "x"]), code)
            with open(seen, encoding="utf-8") as args:
                self.assertEqual(args.read().split(), ["--name", "n", "predict", "--input", "x"])

    def test_the_dag_compiles(self):
        with tempfile.TemporaryDirectory() as folder:
            py_compile.compile(
                os.path.join(HERE, "torchbatch_daily.py"),
                cfile=os.path.join(folder, "dag.pyc"),
                doraise=True,
            )


if __name__ == "__main__":
    unittest.main()
