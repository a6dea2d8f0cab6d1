package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import java.io.IOException;
import java.sql.SQLException;

/**
 * What must hold before the relay streams, as the supervisor sees it: {@link RelayStartup} outside tests. A problem
 * an operator must fix is a {@link RelayConfigurationException}; a database or broker that cannot be reached right
 * now is an {@link SQLException} or {@link IOException}, and the supervisor tries again.
 */
interface Startup {

    /** Checks the database and creates what is missing; runs before the relay contends for its slot. */
    OutboxTableInfo check() throws SQLException;

    /** Once this relay is the active one: connects to RabbitMQ, makes sure offsets can be stored, cuts over. */
    void prepare(OutboxTableInfo table) throws SQLException, IOException;

    /** Closes what {@link #prepare} opened (the RabbitMQ connection), at shutdown. */
    void close();
}
