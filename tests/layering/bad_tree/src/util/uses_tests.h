// Fixture: test code.
#include "tests/testing/reference.h"
