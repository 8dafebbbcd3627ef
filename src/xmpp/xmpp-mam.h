/* xmpp-mam.h: XEP-0313 Message Archive Management 0.8 (urn:xmpp:mam:2), XEP-0059 RSM 1.0
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-jid.h"
#include "xmpp-message.h"

G_BEGIN_DECLS

#define XMPP_NS_MAM "urn:xmpp:mam:2"
#define XMPP_NS_RSM "http://jabber.org/protocol/rsm"

/**
 * XMPP_MAM_MAX_PAGE:
 *
 * The largest page asked for, and the most results accepted for one query
 * whatever the server sends (SECURITY row 44).  Servers cap pages too
 * (Prosody's `max_archive_query_results`, 50 by default).
 */
#define XMPP_MAM_MAX_PAGE 250

/**
 * XmppMamQuery:
 * @with: (nullable): only messages to or from this JID (`with`)
 * @start: (nullable): only messages archived at or after this time
 * @end: (nullable): only messages archived at or before this time
 * @after_id: (nullable): the page after this archive id (RSM `<after/>`)
 * @before_id: (nullable): the page before this archive id (RSM
 *   `<before/>`); `""` asks for the last page
 * @max: the page size; 0 or more than %XMPP_MAM_MAX_PAGE means
 *   %XMPP_MAM_MAX_PAGE
 * @flip_page: ask the server to send the page newest first (XEP-0313
 *   0.7 `<flip-page/>`); the page comes back in archive order either way
 *
 * One archive query.  Set only what you need, e.g.
 * `XmppMamQuery q = { .after_id = last_id };`.  The fields are read during
 * xmpp_mam_query_async() and not kept.
 */
typedef struct
{
  XmppJid    *with;
  GDateTime  *start;
  GDateTime  *end;
  const char *after_id;
  const char *before_id;
  guint       max;
  gboolean    flip_page;
} XmppMamQuery;

#define XMPP_TYPE_MAM_PAGE (xmpp_mam_page_get_type ())

typedef struct _XmppMamPage XmppMamPage;

GType            xmpp_mam_page_get_type        (void) G_GNUC_CONST;
XmppMamPage     *xmpp_mam_page_ref             (XmppMamPage          *self);
void             xmpp_mam_page_unref           (XmppMamPage          *self);
XmppJid         *xmpp_mam_page_get_archive     (XmppMamPage          *self);
const char      *xmpp_mam_page_get_query_id    (XmppMamPage          *self);
GPtrArray       *xmpp_mam_page_get_messages    (XmppMamPage          *self);
gboolean         xmpp_mam_page_get_complete    (XmppMamPage          *self);
const char      *xmpp_mam_page_get_first       (XmppMamPage          *self);
const char      *xmpp_mam_page_get_last        (XmppMamPage          *self);
gint64           xmpp_mam_page_get_count       (XmppMamPage          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppMamPage, xmpp_mam_page_unref)

#define XMPP_TYPE_MAM (xmpp_mam_get_type ())

G_DECLARE_FINAL_TYPE (XmppMam, xmpp_mam, XMPP, MAM, GObject)

XmppMam         *xmpp_mam_new                  (XmppMessages         *messages)
                 G_GNUC_WARN_UNUSED_RESULT;
XmppMessages    *xmpp_mam_get_messages         (XmppMam              *self);

void             xmpp_mam_query_async          (XmppMam              *self,
                                                XmppJid              *archive,
                                                const XmppMamQuery   *query,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
XmppMamPage     *xmpp_mam_query_finish         (XmppMam              *self,
                                                GAsyncResult         *result,
                                                GError              **error)
                 G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
