"""Scores yesterday's partition every day with torchbatch, on Spark, from Airflow.

The job's exit code drives the task state: 0 succeeded; 2 (bad options, unusable model, missing
column), 3 (input partition not there yet) and 4 (output exists with --mode error-if-exists) fail
before any Spark task runs; 1 failed while running. `--mode overwrite` replaces the output
atomically, so a retry or a backfill of the same `ds` is safe.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

with DAG(
    dag_id="torchbatch_daily_scores",
    start_date=datetime(2026, 11, 1),
    schedule="@daily",
    catchup=True,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["torchbatch"],
) as dag:
    score = SparkSubmitOperator(
        task_id="score_partition",
        conn_id="spark_default",
        application="/opt/torchbatch/torchbatch-job.jar",
        java_class="org.torchbatch.job.TorchbatchJob",
        properties_file="/opt/torchbatch/conf/spark-defaults.conf",
        application_args=[
            "predict",
            "--config", "/opt/torchbatch/conf/torchbatch-job.properties",
            "--input", "hdfs:///warehouse/events/dt={{ ds }}",
            "--output", "hdfs:///warehouse/scores/dt={{ ds }}",
            "--mode", "overwrite",
            "--summary", "/tmp/torchbatch-summary-{{ ds }}.json",
        ],
        executor_cores=4,
        executor_memory="8g",
        num_executors=10,
    )
