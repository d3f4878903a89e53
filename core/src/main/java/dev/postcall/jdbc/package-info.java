/**
 * The inbox and the delivery ledger in the application's database, for a cluster that keeps nothing on one node:
 * {@link dev.postcall.jdbc.JdbcDeliveryStore}. Needs only {@code java.sql}; the application brings the driver and
 * the (non-JTA) DataSource.
 */
package dev.postcall.jdbc;
