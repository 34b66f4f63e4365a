/*
 * What the kernel charges the sending thread for one wake-up datagram over loopback (the
 * receiving socket's path runs in the sender's context there): CPU time per sendto(), the best of
 * 5 rounds, the one least disturbed by neighbours. Usage: sendto_cost PORT CALLS_PER_ROUND
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static double cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    int n = atoi(argv[2]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    const char msg[] = "WQ1 I sendto-cost\n";
    double best = 1e18;
    for (int round = 0; round < 5; round++) {
        double t0 = cpu_ns();
        for (int i = 0; i < n; i++)
            sendto(fd, msg, sizeof msg - 1, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to);
        double per = (cpu_ns() - t0) / n;
        if (per < best)
            best = per;
    }
    printf("%.0f\n", best);
    return 0;
}
