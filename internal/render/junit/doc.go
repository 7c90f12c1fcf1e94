// Package junit writes audit reports as JUnit XML, the test report format
// most CI systems display: one test case per audited article, failed when
// the article violates the policy, skipped when the article asks to be
// ignored.
package junit
