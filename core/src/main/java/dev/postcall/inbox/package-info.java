/**
 * The servlet's write-ahead inbox ({@code inbox-dir}) as an application sees it: replay what the handlers failed
 * on, in-process. See {@link dev.postcall.inbox.InboxDirectory}.
 */
package dev.postcall.inbox;
