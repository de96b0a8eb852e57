// The PN532 driver gives the chip 5 ms to answer its wake-up and about 90 ms per ACK, and pcscd polls its readers on its
// own clock: test classes running side by side on a 2-core machine starve each other's device threads and turn those
// margins into flaky failures. This assembly's tests take seconds in total, so they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
