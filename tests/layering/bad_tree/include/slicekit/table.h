// Fixture: public includes private.
#include "src/table/table_impl.h"
