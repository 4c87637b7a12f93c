#include "reconciler/history/usage_db.h"
