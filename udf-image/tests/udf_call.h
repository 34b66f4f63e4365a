/*
 * Calling a built libwakeq_notify_<v>.so as a trigger does, for the small test
 * programs (test_rotation.c, test_dnat_switch.c): dlopen, the three symbols by
 * name, init/main/deinit per call. test_notify.c has the full harness.
 */
#ifndef UDF_CALL_H
#define UDF_CALL_H

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wakeq_notify.h"
#include "wakeq_udf_abi.h"

typedef char (*init_fn)(UDF_INIT *, UDF_ARGS *, char *);
typedef void (*deinit_fn)(UDF_INIT *);
typedef long long (*main_fn)(UDF_INIT *, UDF_ARGS *, char *, char *);

static init_fn udf_init;
static deinit_fn udf_deinit;
static main_fn udf_main;
static int passed, failed;

#define CHECK(cond, ...)                                                                                       \
    do {                                                                                                       \
        if (cond) {                                                                                            \
            passed++;                                                                                          \
        } else {                                                                                               \
            failed++;                                                                                          \
            fprintf(stderr, "FAIL line %d: ", __LINE__);                                                       \
            fprintf(stderr, __VA_ARGS__);                                                                      \
            fputc('\n', stderr);                                                                               \
        }                                                                                                      \
    } while (0)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    nanosleep(&ts, NULL);
}

/* As a trigger calls it: host, port, key, already of the types _init asks for. */
static long long notify_host(const char *host, int port, const char *key)
{
    enum Item_result types[3] = { STRING_RESULT, INT_RESULT, STRING_RESULT };
    long long port_value = port;
    char *args[3] = { (char *)host, (char *)&port_value, (char *)key };
    unsigned long lengths[3] = { strlen(host), sizeof port_value, strlen(key) };
    char maybe_null[3] = { 1, 1, 1 };
    char *attrs[3] = { "h", "p", "k" };
    unsigned long attr_lengths[3] = { 1, 1, 1 };
    UDF_ARGS a = { 3, types, args, lengths, maybe_null, attrs, attr_lengths, NULL };
    UDF_INIT init = { .maybe_null = 1, .max_length = 21, .const_item = 1 };
    char message[WAKEQ_UDF_ERRMSG_SIZE] = "", is_null = 0, error = 0;
    if (udf_init(&init, &a, message))
        return -100;
    long long rc = udf_main(&init, &a, &is_null, &error);
    udf_deinit(&init);
    return rc;
}

/* Loads wakeq_notify_<version> from lib; returns the handle, or NULL having said why. */
static void *load_udf(const char *path, const char *version)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    char name[64];
    snprintf(name, sizeof name, "wakeq_notify_%s", version);
    udf_main = lib ? (main_fn)dlsym(lib, name) : NULL;
    snprintf(name, sizeof name, "wakeq_notify_%s_init", version);
    udf_init = lib ? (init_fn)dlsym(lib, name) : NULL;
    snprintf(name, sizeof name, "wakeq_notify_%s_deinit", version);
    udf_deinit = lib ? (deinit_fn)dlsym(lib, name) : NULL;
    if (!udf_main || !udf_init || !udf_deinit) {
        fprintf(stderr, "cannot load wakeq_notify_%s from %s: %s\n", version, path, lib ? "" : dlerror());
        return NULL;
    }
    return lib;
}

#endif
