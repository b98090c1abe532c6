"""Runs `torchbatch predict` through spark-submit and says whether a retry can help.

Plain Python (no Airflow import), so that the mapping is tested where Airflow is not installed.
The job's exit codes: 0 succeeded; 1 failed while running (a lost node, a full disk: a retry can
help); 2 bad options, an unusable model or a missing column, and 4 the output exists under
--mode error-if-exists (a retry cannot help); 3 the input is not there yet (a retry later can).
spark-submit passes the job's exit code on in client mode, which is why the DAG uses it.
"""

import subprocess
import sys

SUCCESS = "success"
RETRY = "retry"
FAIL = "fail"

_OUTCOMES = {0: SUCCESS, 1: RETRY, 2: FAIL, 3: RETRY, 4: FAIL}


def outcome(code):
    """What the scheduler should do after the job exited with `code` (unknown codes: retry)."""
    return _OUTCOMES.get(code, RETRY)


def submit(spark_submit, submit_args, job_args):
    """Runs `spark_submit submit_args... predict job_args...`; returns its exit code."""
    command = [spark_submit, *submit_args, "predict", *job_args]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    # torchbatch_submit.py SPARK_SUBMIT [spark-submit args] -- [predict args]
    split = sys.argv.index("--")
    exit_code = submit(sys.argv[1], sys.argv[2:split], sys.argv[split + 1 :])
    print(outcome(exit_code), exit_code)
    sys.exit(exit_code)
