/*
 * The loadable-function ABI shared by MySQL 8.0 and MariaDB 10.x/11.x.
 *
 * Declared here instead of including server headers so one .so, built
 * without any server installed, loads into both servers. The layout must
 * match the servers' own definitions field for field (MySQL
 * include/mysql/udf_registration_types.h, MariaDB include/mysql_com.h):
 * the server passes pointers to its structs, not ours. MariaDB's
 * my_bool is a char and MySQL's bool is one byte, so `char` fits both.
 * libmariadb-dev's mariadb_com.h is not used: its copy lacks the
 * attribute fields and would shift every later member.
 */
#ifndef WAKEQ_UDF_ABI_H
#define WAKEQ_UDF_ABI_H

enum Item_result {
    INVALID_RESULT = -1,
    STRING_RESULT = 0,
    REAL_RESULT,
    INT_RESULT,
    ROW_RESULT,
    DECIMAL_RESULT
};

typedef struct UDF_ARGS {
    unsigned int arg_count;
    enum Item_result *arg_type;
    char **args;
    unsigned long *lengths;
    char *maybe_null;
    char **attributes;
    unsigned long *attribute_lengths;
    void *extension;
} UDF_ARGS;

typedef struct UDF_INIT {
    char maybe_null;
    unsigned int decimals;
    unsigned long max_length;
    char *ptr;
    char const_item;
    void *extension;
} UDF_INIT;

/* The server's error message buffer passed to _init (MYSQL_ERRMSG_SIZE). */
#define WAKEQ_UDF_ERRMSG_SIZE 512

#endif
