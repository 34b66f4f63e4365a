/** wakeq: wake-ups instead of polling for per-tenant MySQL job queues. */
package dev.wakeq;
