/*
 * A loadable function that does nothing, with the same signature and init as
 * wakeq_notify: the benchmark's yardstick for what the server itself spends
 * on calling any UDF from a trigger (per-row lookup, init, deinit), so that
 * wakeq's own cost can be told apart from it.
 */
#include "wakeq_udf_abi.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT char wakeq_bench_noop_init(UDF_INIT *initid, UDF_ARGS *args, char *message)
{
    (void)message;
    initid->maybe_null = 0;
    initid->const_item = 0;
    if (args->arg_count >= 3 && args->arg_count <= 5) {
        args->arg_type[0] = STRING_RESULT;
        args->arg_type[1] = INT_RESULT;
        args->arg_type[2] = STRING_RESULT;
        if (args->arg_count > 3)
            args->arg_type[3] = INT_RESULT;
        /* As wakeq_notify: a number passes unconverted. */
        if (args->arg_count > 4 && args->arg_type[4] != INT_RESULT && args->arg_type[4] != REAL_RESULT)
            args->arg_type[4] = STRING_RESULT;
    }
    return 0;
}

EXPORT void wakeq_bench_noop_deinit(UDF_INIT *initid)
{
    (void)initid;
}

EXPORT long long wakeq_bench_noop(UDF_INIT *initid, UDF_ARGS *args, char *is_null, char *error)
{
    (void)initid;
    (void)args;
    (void)error;
    *is_null = 0;
    return 0;
}
