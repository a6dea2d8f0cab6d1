package dev.outboxcdc.writer;

import dev.outboxcdc.envelope.SqlNames;

/** A table name made of plain lower-case identifiers, safe to put into SQL quoted. */
record SqlTable(String schema, String table) {

    static SqlTable parse(String setting, String name) {
        if (name == null) {
            throw new IllegalArgumentException(setting + " must be set");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2
                || !SqlNames.isPlainIdentifier(parts[0])
                || (parts.length == 2 && !SqlNames.isPlainIdentifier(parts[1]))) {
            throw new IllegalArgumentException(setting + " '" + name + "' is not a valid table name: use table or"
                    + " schema.table, each part " + SqlNames.IDENTIFIER_RULE);
        }
        return parts.length == 1 ? new SqlTable(null, parts[0]) : new SqlTable(parts[0], parts[1]);
    }

    /** The name for SQL: {@code "table"} or {@code "schema"."table"}. */
    String quoted() {
        return schema == null ? '"' + table + '"' : '"' + schema + "\".\"" + table + '"';
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }
}
