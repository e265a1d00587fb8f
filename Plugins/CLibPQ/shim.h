// libpq for the PostgreSQL database plugin (pkg-config libpq; Debian: libpq-dev).
#include <libpq-fe.h>
