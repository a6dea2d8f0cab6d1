package dev.outboxcdc.writer;

import java.util.regex.Pattern;

/** A table name made of plain lower-case identifiers, safe to put into SQL quoted. */
record SqlTable(String schema, String table) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    static SqlTable parse(String setting, String name) {
        if (name == null) {
            throw new IllegalArgumentException(setting + " must be set");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2
                || !IDENTIFIER.matcher(parts[0]).matches()
                || (parts.length == 2 && !IDENTIFIER.matcher(parts[1]).matches())) {
            throw new IllegalArgumentException(
                    setting + " '" + name + "' is not a valid table name: use table or"
                            + " schema.table, each part 1-63 lower-case letters, digits and underscores, not starting with a digit");
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
