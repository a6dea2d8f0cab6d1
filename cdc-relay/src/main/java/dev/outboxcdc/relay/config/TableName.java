package dev.outboxcdc.relay.config;

/**
 * A schema-qualified table name whose parts are plain identifiers.
 *
 * @param schema the schema, {@code public} when not given
 * @param table  the table
 */
public record TableName(String schema, String table) {

    /** Parses {@code table} or {@code schema.table}; both parts must be plain identifiers. */
    public static TableName parse(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? new TableName("public", name) : new TableName(name.substring(0, dot), name.substring(dot + 1));
    }

    /** {@code schema.table}, as Debezium and the logs name it. */
    public String qualified() {
        return schema + "." + table;
    }

    /** {@code "schema"."table"}, safe to put into SQL. */
    public String quoted() {
        return '"' + schema + "\".\"" + table + '"';
    }

    @Override
    public String toString() {
        return qualified();
    }
}
