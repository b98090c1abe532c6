"""Scores yesterday's partition every day with torchbatch, on Spark, from Airflow.

The job runs in client mode, so spark-submit exits with the job's own code, which decides
whether Airflow retries (torchbatch_submit.outcome): 2 (bad options, unusable model, missing
column) and 4 (output exists) fail at once with no retry; 1 (failed while running) and 3 (the
day's input not there yet) are retried. `--mode overwrite` replaces the output atomically, so a
retry or a backfill of the same `ds` is safe. The run's JSON summary goes to a shared path.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.decorators import task
from airflow.exceptions import AirflowException, AirflowFailException

from torchbatch_submit import FAIL, RETRY, outcome, submit

SPARK_SUBMIT = "/opt/spark/bin/spark-submit"
SUMMARIES = "/mnt/shared/torchbatch/summaries"

with DAG(
    dag_id="torchbatch_daily_scores",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=True,
    tags=["torchbatch"],
) as dag:

    @task(retries=2, retry_delay=timedelta(minutes=10))
    def score_partition(ds=None):
        code = submit(
            SPARK_SUBMIT,
            [
                "--name", f"torchbatch-daily-scores-{ds}",
                "--deploy-mode", "client",
                "--properties-file", "/opt/torchbatch/conf/spark-defaults.conf",
                "--class", "org.torchbatch.job.TorchbatchJob",
                "--executor-cores", "4",
                "--executor-memory", "8g",
                "--num-executors", "10",
                "/opt/torchbatch/torchbatch-job.jar",
            ],
            [
                "--config", "/opt/torchbatch/conf/torchbatch-job.properties",
                "--input", f"hdfs:///warehouse/events/dt={ds}",
                "--output", f"hdfs:///warehouse/scores/dt={ds}",
                "--mode", "overwrite",
                "--summary", f"{SUMMARIES}/{ds}.json",
            ],
        )
        if outcome(code) == FAIL:
            raise AirflowFailException(f"torchbatch exited with {code}: a retry cannot help")
        if outcome(code) == RETRY:
            raise AirflowException(f"torchbatch exited with {code}")

    score_partition()
