package dev.wakeq.cli;

/** The command line or tenants file is wrong; the message names the flag or file line and never holds a password. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
