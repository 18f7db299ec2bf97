// A trigger body for the fixture apps; cirro never runs it (triggers are
// mapped to invoke endpoints in cirro's configuration).
exports.handler = async (event) => event;
