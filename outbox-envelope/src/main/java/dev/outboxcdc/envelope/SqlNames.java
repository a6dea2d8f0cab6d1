package dev.outboxcdc.envelope;

import java.util.regex.Pattern;

/**
 * The one rule for the table and column names the modules put into SQL: plain lower-case identifiers, so they never
 * need quoting and mean the same in SQL, in Debezium's include lists and in PostgreSQL's catalogs.
 */
public final class SqlNames {

    /** PostgreSQL truncates identifiers longer than this. */
    public static final int MAX_IDENTIFIER_LENGTH = 63;

    /** What {@link #isPlainIdentifier} accepts, for error messages. */
    public static final String IDENTIFIER_RULE =
            "1-63 lower-case letters, digits and underscores, not starting with a digit";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private SqlNames() {}

    /** Whether {@code name} is 1-63 lower-case letters, digits and underscores, not starting with a digit. */
    public static boolean isPlainIdentifier(String name) {
        return name != null
                && name.length() <= MAX_IDENTIFIER_LENGTH
                && IDENTIFIER.matcher(name).matches();
    }
}
