/**
 * What every service agrees on: topic names, record formats, header names, JSON serdes, rejection
 * reasons and configuration keys. Tiny on purpose: no DL4J, no Cassandra driver.
 */
package io.inkstream.contract;
