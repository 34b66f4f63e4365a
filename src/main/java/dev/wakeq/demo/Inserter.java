package dev.wakeq.demo;

import dev.wakeq.embedded.LocalMysqld;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's application: for each busy tenant, inserts a job at random (exponential) intervals into both its
 * wakeq schema and its plain-polling schema, so both modes see the same work.
 */
final class Inserter {

    private final LocalMysqld mysql;
    private final List<Map.Entry<String, Double>> tenants;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong inserted = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    Inserter(LocalMysqld mysql, List<Map.Entry<String, Double>> tenants) {
        this.mysql = mysql;
        this.tenants = tenants;
    }

    void start() {
        long seed = 7;
        for (Map.Entry<String, Double> tenant : tenants) {
            Random random = new Random(seed++);
            Thread t = new Thread(() -> loop(tenant.getKey(), tenant.getValue(), random), "insert-" + tenant.getKey());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop(String tenant, double meanGapSeconds, Random random) {
        try (Connection c = mysql.rootConnection();
             PreparedStatement wake = c.prepareStatement("INSERT INTO `wq_" + tenant + "`.`_queue` (payload) VALUES (?)");
             PreparedStatement poll = c.prepareStatement("INSERT INTO `poll_" + tenant + "`.`_queue` (payload) VALUES (?)")) {
            while (!stop.get()) {
                long gapMillis = (long) (-Math.log(1 - random.nextDouble()) * meanGapSeconds * 1000);
                Thread.sleep(Math.max(1, gapMillis));
                wake.setString(1, Long.toString(System.nanoTime()));
                wake.executeUpdate();
                poll.setString(1, Long.toString(System.nanoTime()));
                poll.executeUpdate();
                inserted.addAndGet(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            System.err.println("inserter " + tenant + ": " + e.getMessage());
        }
    }

    long inserted() {
        return inserted.get();
    }

    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(5000);
        }
    }
}
