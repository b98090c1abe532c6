package org.torchbatch.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.functions;
import org.torchbatch.job.JobSettings.WriteMode;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.spark.TorchbatchFunctions;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code --output-table}: rows written through Spark's catalog (DataFrameWriterV2), whose table
 * format commits them atomically: a failed or killed run leaves the table at its previous snapshot.
 * A missing table is created ({@code --partition-by} its partitioning); an existing one is appended
 * to, replaced ({@code overwrite}), or has the partitions the run writes replaced ({@code
 * overwrite-partitions}, the idempotent daily rerun).
 */
final class TableOutput implements JobOutput {
  private static final String SESSION_CATALOG = "spark_catalog";
  // constant statements: the table and the rows are parameters, so no user input becomes SQL text;
  // the overwrite mode is the statement's write option, Spark's session setting left alone (Hive
  // serde tables ignore it: Spark always overwrites their partitions dynamically)
  private static final String INSERT_ROWS =
      "INSERT INTO TABLE IDENTIFIER(:table) SELECT * FROM IDENTIFIER(:rows)";
  private static final String REPLACE_ROWS =
      "INSERT OVERWRITE TABLE IDENTIFIER(:table) WITH ('partitionOverwriteMode' = 'static')"
          + " SELECT * FROM IDENTIFIER(:rows)";
  private static final String REPLACE_PARTITIONS =
      "INSERT OVERWRITE TABLE IDENTIFIER(:table) WITH ('partitionOverwriteMode' = 'dynamic')"
          + " SELECT * FROM IDENTIFIER(:rows)";

  private final SparkSession spark;
  private final JobSettings settings;
  private final String table;
  private final List<String> name;

  TableOutput(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
    this.table = settings.require("output-table");
    this.name = parse(table);
  }

  @Override
  public void prepare(List<Path> inputs, String inputTable, Path warehouse, boolean recover) {
    if (inputTable != null && qualified(parse(inputTable)).equals(qualified(name))) {
      throw new JobException(
          ExitCodes.USAGE,
          "--output-table " + table + " is the input table " + inputTable + ": write elsewhere");
    }
    if (settings.mode() == WriteMode.ERROR_IF_EXISTS && exists()) {
      throw new JobException(
          ExitCodes.OUTPUT_EXISTS,
          "Table "
              + table
              + " exists: choose another --output-table, or --mode append, overwrite or"
              + " overwrite-partitions");
    }
  }

  @Override
  public void write(Dataset<Row> result) {
    boolean exists = exists();
    if (exists && settings.mode() == WriteMode.ERROR_IF_EXISTS) {
      throw new JobException(
          ExitCodes.OUTPUT_EXISTS, "Table " + table + " appeared while the job ran");
    }
    // an existing table of the session catalog (Parquet, ORC: Spark's V2 writer refuses its file
    // tables) is written with insertInto, by column name in the table's order
    Dataset<Row> ordered = exists && inSessionCatalog() ? inTableOrder(result) : null;
    JobErrors.runOrFail(
        () -> {
          try {
            if (!exists) {
              create(result.writeTo(table));
            } else if (ordered != null) {
              insertInto(ordered);
            } else {
              replace(result.writeTo(table));
            }
          } catch (Exception e) {
            throw new IllegalStateException(
                "Cannot write table " + table + ": " + e.getMessage(), e);
          }
        });
  }

  /** Appends to, overwrites, or overwrites the written partitions of a table of a V2 catalog. */
  private void replace(DataFrameWriterV2<Row> writer) throws Exception {
    switch (settings.mode()) {
      case APPEND -> writer.append();
      case OVERWRITE -> writer.overwrite(functions.lit(true));
      case OVERWRITE_PARTITIONS -> writer.overwritePartitions();
      case ERROR_IF_EXISTS -> throw new IllegalStateException("checked before the write");
    }
  }

  private Dataset<Row> inTableOrder(Dataset<Row> result) {
    Column[] columns =
        Arrays.stream(spark.table(table).columns())
            .map(TorchbatchFunctions::columnNamed)
            .toArray(Column[]::new);
    return JobErrors.analyse(() -> result.select(columns));
  }

  /** Inserts by position (the rows are in the table's order), as {@code insertInto} does. */
  private void insertInto(Dataset<Row> ordered) {
    String statement =
        switch (settings.mode()) {
          case APPEND -> INSERT_ROWS;
          case OVERWRITE -> REPLACE_ROWS;
          case OVERWRITE_PARTITIONS -> REPLACE_PARTITIONS;
          case ERROR_IF_EXISTS -> throw new IllegalStateException("checked before the write");
        };
    // insertInto takes the overwrite mode from the session's conf only; a statement takes options
    String rows = "torchbatch_rows_" + UUID.randomUUID().toString().replace("-", "");
    ordered.createOrReplaceTempView(rows);
    try {
      spark.sql(statement, Map.<String, Object>of("table", table, "rows", rows));
    } finally {
      spark.catalog().dropTempView(rows);
    }
  }

  private void create(DataFrameWriterV2<Row> writer) throws Exception {
    // the session catalog holds tables of any source; another catalog has its own format
    CreateTableWriter<Row> create =
        inSessionCatalog() ? writer.using(settings.require("output-format")) : writer;
    List<String> partitionBy = settings.list("partition-by");
    if (!partitionBy.isEmpty()) {
      Column[] rest =
          partitionBy.subList(1, partitionBy.size()).stream()
              .map(functions::col)
              .toArray(Column[]::new);
      create = create.partitionedBy(functions.col(partitionBy.get(0)), rest);
    }
    create.create();
  }

  @Override
  public void commit() {}

  @Override
  public void abort() {}

  @Override
  public void describe(RunSummary summary) {
    summary.outputTable(table);
  }

  private boolean exists() {
    return spark.catalog().tableExists(table);
  }

  private boolean inSessionCatalog() {
    return name.size() < 3 || name.get(0).equalsIgnoreCase(SESSION_CATALOG);
  }

  /** catalog.database.table, lower-cased, with the session's catalog and database filled in. */
  private List<String> qualified(List<String> parts) {
    List<String> all = new ArrayList<>();
    if (parts.size() < 3) {
      all.add(SESSION_CATALOG);
    }
    if (parts.size() < 2) {
      all.add(spark.catalog().currentDatabase());
    }
    all.addAll(parts);
    return all.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
  }

  private static List<String> parse(String table) {
    try {
      return CollectionConverters.asJava(
          CatalystSqlParser$.MODULE$.parseMultipartIdentifier(table));
    } catch (Exception e) { // the parser's ParseException, undeclared
      throw new JobException(
          ExitCodes.USAGE, "'" + table + "' is not a table name: " + e.getMessage(), e);
    }
  }
}
