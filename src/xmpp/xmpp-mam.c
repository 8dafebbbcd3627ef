/* xmpp-mam.c: XEP-0313 Message Archive Management 0.8 (urn:xmpp:mam:2), XEP-0059 RSM 1.0
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-mam.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-mam-private.h"
#include "xmpp-message-private.h"

/* ------------------------------------------------------------------------
 * XmppMamPage
 * ------------------------------------------------------------------------ */

/**
 * XmppMamPage:
 *
 * One page of an archive query: the messages it returned, in archive
 * order, each with the provenance %XMPP_MESSAGE_PROVENANCE_ARCHIVE, its
 * archive id and the archive's timestamp; and what the server said when
 * it finished the query (XEP-0313 §4.3 `<fin/>` with XEP-0059 RSM):
 * whether the page reached the end of the archive, the ids of its first
 * and last message, and the number of messages the whole query matches.
 *
 * The RSM ids are what paging continues from: the next page forward is
 * `after_id = last`, backward `before_id = first`.  They may be set when
 * fewer messages came than the page held: results the module refused
 * (from the wrong sender, malformed) are not in the page, but the server
 * counted them.
 */
struct _XmppMamPage
{
  gatomicrefcount  ref_count;
  XmppJid         *archive;
  char            *query_id;
  GPtrArray       *messages;
  char            *first;
  char            *last;
  gint64           count;
  gboolean         complete;
};

G_DEFINE_BOXED_TYPE (XmppMamPage, xmpp_mam_page, xmpp_mam_page_ref, xmpp_mam_page_unref)

/* RSM ids as we keep them: short, non-empty tokens. */
static char *
dup_rsm_id (const char *text)
{
  if (text == NULL || text[0] == '\0' || strlen (text) > XMPP_MESSAGE_MAX_ID_BYTES ||
      !g_utf8_validate (text, -1, NULL))
    return NULL;
  return g_strdup (text);
}

XmppMamPage *
xmpp_mam_page_new_from_fin (XmppJid     *archive,
                            const char  *queryid,
                            GPtrArray   *messages,
                            XmppNode    *result,
                            GError     **error)
{
  g_autoptr(GPtrArray) owned = messages;
  g_autoptr(XmppMamPage) self = NULL;
  const char *complete;
  const char *count;
  XmppNode *fin;
  XmppNode *set;
  guint64 value;

  g_return_val_if_fail (archive != NULL, NULL);
  g_return_val_if_fail (messages != NULL, NULL);
  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fin = xmpp_node_get_child (result, "fin", XMPP_NS_MAM);
  if (fin == NULL)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("The archive answered without ending the query"));
      return NULL;
    }

  self = g_new0 (XmppMamPage, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->archive = xmpp_jid_dup_bare (archive);
  self->query_id = g_strdup (queryid);
  self->messages = g_steal_pointer (&owned);

  complete = xmpp_node_get_attribute (fin, "complete");
  self->complete = g_strcmp0 (complete, "true") == 0 || g_strcmp0 (complete, "1") == 0;

  set = xmpp_node_get_child (fin, "set", XMPP_NS_RSM);
  self->count = -1;
  if (set != NULL)
    {
      self->first = dup_rsm_id (xmpp_node_get_child_text (set, "first", XMPP_NS_RSM));
      self->last = dup_rsm_id (xmpp_node_get_child_text (set, "last", XMPP_NS_RSM));
      count = xmpp_node_get_child_text (set, "count", XMPP_NS_RSM);
      if (count != NULL && g_ascii_string_to_unsigned (count, 10, 0, G_MAXINT64, &value, NULL))
        self->count = (gint64) value;
    }

  /* A flipped page (XEP-0313 §4.1.2) arrives newest first; RSM's first
   * and last stay in archive order, so they tell which way it came. */
  if (self->messages->len > 1 && self->first != NULL && self->last != NULL &&
      strcmp (self->first, self->last) != 0)
    {
      XmppMessage *head = g_ptr_array_index (self->messages, 0);
      XmppMessage *tail = g_ptr_array_index (self->messages, self->messages->len - 1);

      if (g_strcmp0 (xmpp_message_get_archive_id (head), self->last) == 0 &&
          g_strcmp0 (xmpp_message_get_archive_id (tail), self->first) == 0)
        {
          for (guint i = 0, j = self->messages->len - 1; i < j; i++, j--)
            {
              gpointer swap = self->messages->pdata[i];

              self->messages->pdata[i] = self->messages->pdata[j];
              self->messages->pdata[j] = swap;
            }
        }
    }

  return g_steal_pointer (&self);
}

/**
 * xmpp_mam_page_ref:
 * @self: a page
 *
 * Returns: (transfer full): @self, with one more reference
 */
XmppMamPage *
xmpp_mam_page_ref (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_mam_page_unref:
 * @self: (transfer full): a page
 *
 * Drops a reference; the last one frees the page and its messages.
 */
void
xmpp_mam_page_unref (XmppMamPage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  xmpp_jid_unref (self->archive);
  g_free (self->query_id);
  g_ptr_array_unref (self->messages);
  g_free (self->first);
  g_free (self->last);
  g_free (self);
}

/**
 * xmpp_mam_page_get_archive:
 * @self: a page
 *
 * Returns: (transfer none): the bare JID of the archive queried
 */
XmppJid *
xmpp_mam_page_get_archive (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->archive;
}

/**
 * xmpp_mam_page_get_query_id:
 * @self: a page
 *
 * Returns: the `queryid` the page answered
 */
const char *
xmpp_mam_page_get_query_id (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->query_id;
}

/**
 * xmpp_mam_page_get_messages:
 * @self: a page
 *
 * Returns: (transfer none) (element-type XmppMessage): the messages, in
 *   archive order (oldest first), whichever way the server sent them
 */
GPtrArray *
xmpp_mam_page_get_messages (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->messages;
}

/**
 * xmpp_mam_page_get_complete:
 * @self: a page
 *
 * Returns: whether the page reached the end of what the query matches, in
 *   the direction of paging (XEP-0313 §4.3)
 */
gboolean
xmpp_mam_page_get_complete (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->complete;
}

/**
 * xmpp_mam_page_get_first:
 * @self: a page
 *
 * Returns: (nullable): the archive id of the page's first (oldest)
 *   message, from RSM; %NULL for an empty page
 */
const char *
xmpp_mam_page_get_first (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->first;
}

/**
 * xmpp_mam_page_get_last:
 * @self: a page
 *
 * Returns: (nullable): the archive id of the page's last (newest)
 *   message, from RSM; %NULL for an empty page
 */
const char *
xmpp_mam_page_get_last (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->last;
}

/**
 * xmpp_mam_page_get_count:
 * @self: a page
 *
 * Returns: how many messages the whole query matches, as the server
 *   counted them; -1 if it did not say
 */
gint64
xmpp_mam_page_get_count (XmppMamPage *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->count;
}

/* ------------------------------------------------------------------------
 * Queries and results
 * ------------------------------------------------------------------------ */

static void
add_field (XmppNode   *form,
           const char *var,
           const char *type,
           const char *value)
{
  XmppNode *field = xmpp_node_add_child_with_attributes (form, "field", NULL, "var", var, NULL);

  if (type != NULL)
    xmpp_node_set_attribute (field, "type", type);
  xmpp_node_add_text_child (field, "value", NULL, value);
}

/* XEP-0082 DateTime in UTC with whole seconds; the end of a range is
 * rounded up so that the range never shrinks. */
static char *
format_stamp (GDateTime *time,
              gboolean   round_up)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  if (round_up && g_date_time_get_microsecond (utc) != 0)
    {
      g_autoptr(GDateTime) later = g_date_time_add_seconds (utc, 1);

      return g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
    }
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static guint
effective_max (guint max)
{
  return max == 0 || max > XMPP_MAM_MAX_PAGE ? XMPP_MAM_MAX_PAGE : max;
}

XmppNode *
xmpp_mam_build_query (XmppJid            *archive,
                      const XmppMamQuery *query,
                      const char         *queryid)
{
  g_autoptr(XmppNode) iq = NULL;
  g_autofree char *max = NULL;
  XmppNode *payload;
  XmppNode *set;

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (queryid != NULL, NULL);

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", NULL);
  if (archive != NULL)
    xmpp_node_set_attribute (iq, "to", xmpp_jid_to_bare_string (archive));
  payload = xmpp_node_add_child_with_attributes (iq, "query", XMPP_NS_MAM,
                                                 "queryid", queryid, NULL);

  if (query->with != NULL || query->start != NULL || query->end != NULL)
    {
      XmppNode *form = xmpp_node_add_child_with_attributes (payload, "x", "jabber:x:data",
                                                            "type", "submit", NULL);

      add_field (form, "FORM_TYPE", "hidden", XMPP_NS_MAM);
      if (query->with != NULL)
        add_field (form, "with", NULL, xmpp_jid_to_string (query->with));
      if (query->start != NULL)
        {
          g_autofree char *start = format_stamp (query->start, FALSE);

          add_field (form, "start", NULL, start);
        }
      if (query->end != NULL)
        {
          g_autofree char *end = format_stamp (query->end, TRUE);

          add_field (form, "end", NULL, end);
        }
    }

  set = xmpp_node_add_child (payload, "set", XMPP_NS_RSM);
  max = g_strdup_printf ("%u", effective_max (query->max));
  xmpp_node_add_text_child (set, "max", NULL, max);
  if (query->after_id != NULL)
    xmpp_node_add_text_child (set, "after", NULL, query->after_id);
  if (query->before_id != NULL && query->before_id[0] == '\0')
    xmpp_node_add_child (set, "before", NULL);
  else if (query->before_id != NULL)
    xmpp_node_add_text_child (set, "before", NULL, query->before_id);
  if (query->flip_page)
    xmpp_node_add_child (payload, "flip-page", NULL);

  return g_steal_pointer (&iq);
}

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA, message);
  return FALSE;
}

/* SECURITY row 8: the outer 'from' must be the archive queried. */
static gboolean
result_from_archive (XmppNode  *stanza,
                     XmppJid   *archive,
                     gboolean   own_archive,
                     GError   **error)
{
  const char *from = xmpp_node_get_attribute (stanza, "from");
  g_autoptr(XmppJid) jid = NULL;

  if (from == NULL)
    return own_archive || fail (error, _("A room's archive result without a sender"));
  jid = xmpp_jid_new (from, NULL);
  if (jid == NULL || !xmpp_jid_is_bare (jid) || !xmpp_jid_equal (jid, archive))
    return fail (error, _("An archive result from someone other than the archive"));
  return TRUE;
}

/* SECURITY row 9: what cannot be in the archive queried. */
static gboolean
plausible_in_archive (XmppMessage  *message,
                      XmppJid      *archive,
                      gboolean      own_archive,
                      GError      **error)
{
  XmppMessageType type = xmpp_message_get_message_type (message);
  XmppJid *from = xmpp_message_get_from (message);

  if (own_archive)
    {
      if (type == XMPP_MESSAGE_TYPE_GROUPCHAT)
        return fail (error, _("A room message in the account's archive"));
      return TRUE;
    }
  if (type != XMPP_MESSAGE_TYPE_GROUPCHAT)
    return fail (error, _("A message that is not a room message in a room's archive"));
  if (from == NULL || !xmpp_jid_equal_bare (from, archive))
    return fail (error, _("A message from outside the room in its archive"));
  return TRUE;
}

XmppMessage *
xmpp_mam_parse_result (XmppJid     *own,
                       XmppJid     *archive,
                       const char  *queryid,
                       XmppNode    *stanza,
                       const char  *language,
                       GError     **error)
{
  XmppMessageContext context = { XMPP_MESSAGE_PROVENANCE_ARCHIVE, NULL, NULL, NULL, NULL };
  g_autoptr(XmppJid) own_bare = NULL;
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GDateTime) stamp = NULL;
  g_autofree char *id = NULL;
  XmppNode *result;
  XmppNode *forwarded;
  XmppNode *delay;
  XmppNode *inner;
  gboolean own_archive;

  g_return_val_if_fail (own != NULL, NULL);
  g_return_val_if_fail (archive != NULL && xmpp_jid_is_bare (archive), NULL);
  g_return_val_if_fail (queryid != NULL, NULL);
  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = xmpp_node_get_child (stanza, "result", XMPP_NS_MAM);
  if (result == NULL)
    {
      fail (error, _("Not an archive result"));
      return NULL;
    }
  if (g_strcmp0 (xmpp_node_get_attribute (result, "queryid"), queryid) != 0)
    {
      fail (error, _("An archive result for another query"));
      return NULL;
    }

  own_bare = xmpp_jid_dup_bare (own);
  own_archive = xmpp_jid_equal (archive, own_bare);
  if (!result_from_archive (stanza, archive, own_archive, error))
    return NULL;

  id = dup_rsm_id (xmpp_node_get_attribute (result, "id"));
  forwarded = xmpp_node_get_child (result, "forwarded", XMPP_NS_FORWARD);
  delay = forwarded != NULL ? xmpp_node_get_child (forwarded, "delay", XMPP_NS_DELAY) : NULL;
  if (delay != NULL)
    stamp = xmpp_message_parse_stamp (xmpp_node_get_attribute (delay, "stamp"));
  inner = forwarded != NULL ? xmpp_node_get_child (forwarded, "message", XMPP_NS_CLIENT) : NULL;
  /* SECURITY row 4: each of these is required; none may crash us. */
  if (id == NULL || stamp == NULL || inner == NULL)
    {
      fail (error, _("An archive result without id, time or message"));
      return NULL;
    }

  context.archive = archive;
  context.archive_id = id;
  context.query_id = queryid;
  context.stamp = stamp;
  message = xmpp_message_parse_full (inner, language, &context, error);
  if (message == NULL)
    return NULL;
  if (!plausible_in_archive (message, archive, own_archive, error))
    return NULL;

  return g_steal_pointer (&message);
}

/* ------------------------------------------------------------------------
 * XmppMam
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppJid   *archive;   /* bare */
  guint      max;
  GPtrArray *messages;  /* XmppMessage */
} OpenQuery;

static void
open_query_free (gpointer data)
{
  OpenQuery *query = data;

  xmpp_jid_unref (query->archive);
  g_clear_pointer (&query->messages, g_ptr_array_unref);
  g_free (query);
}

/**
 * XmppMam:
 *
 * Archive queries (XEP-0313) for one account: its own archive and those
 * of rooms.  Each xmpp_mam_query_async() fetches one page and returns it
 * as an #XmppMamPage; nothing is emitted, so a catch-up never mixes with
 * live traffic.  Several queries may be in flight at once; each has its
 * own random `queryid`.
 *
 * A result is accepted only for a query that is open, under that query's
 * id, from the archive that query went to: for the own archive, without
 * `from` or from the own bare JID; for a room, from the room's bare JID
 * (CVE-2019-16237, CVE-2020-26547; SECURITY row 8).  Its forwarded
 * message must fit the archive: no room messages in the own archive, and
 * only the room's own messages in a room's (row 9).  A result without
 * its id, `<forwarded/>`, `<delay/>` or message is dropped (row 4), and
 * so is every result beyond the page size asked for (row 44).  Dropped
 * results reach no one.
 *
 * A query answered with an error fails with %XMPP_ERROR_STANZA; its
 * message starts with the condition, e.g. `item-not-found` when the
 * `after_id` is no longer in the archive (then fall back to a time range,
 * SECURITY I4).
 *
 * The module holds a strong reference to its message module and client;
 * a query in flight holds one on the module.
 */
struct _XmppMam
{
  GObject           parent_instance;

  XmppMessages     *messages;
  XmppClient       *client;
  GHashTable       *queries;     /* queryid -> OpenQuery */
  guint             handler_id;
  guint             n_dropped;
  XmppMamQueryHook  hook;
  gpointer          hook_data;
  char             *next_query_id;
};

G_DEFINE_FINAL_TYPE (XmppMam, xmpp_mam, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
xmpp_mam_open_query (XmppMam    *self,
                     XmppJid    *archive,
                     const char *queryid,
                     guint       max)
{
  OpenQuery *query;

  g_return_if_fail (XMPP_IS_MAM (self));
  g_return_if_fail (queryid != NULL);
  g_return_if_fail (self->client != NULL);

  query = g_new0 (OpenQuery, 1);
  if (archive == NULL)
    archive = xmpp_client_get_jid (self->client);
  query->archive = xmpp_jid_dup_bare (archive);
  query->max = effective_max (max);
  query->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_message_unref);
  g_hash_table_replace (self->queries, g_strdup (queryid), query);
}

XmppMamPage *
xmpp_mam_close_query (XmppMam     *self,
                      const char  *queryid,
                      XmppNode    *result,
                      GError     **error)
{
  g_autofree char *key = NULL;
  OpenQuery *query = NULL;
  XmppMamPage *page;

  g_return_val_if_fail (XMPP_IS_MAM (self), NULL);
  g_return_val_if_fail (queryid != NULL, NULL);
  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_hash_table_steal_extended (self->queries, queryid, (gpointer *) &key, (gpointer *) &query))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_FAILED,
                           _("The archive query is no longer open"));
      return NULL;
    }

  page = xmpp_mam_page_new_from_fin (query->archive, queryid,
                                     g_steal_pointer (&query->messages), result, error);
  open_query_free (query);
  return page;
}

gboolean
xmpp_mam_has_open_query (XmppMam    *self,
                         const char *queryid)
{
  g_return_val_if_fail (XMPP_IS_MAM (self), FALSE);
  g_return_val_if_fail (queryid != NULL, FALSE);

  return g_hash_table_contains (self->queries, queryid);
}

static void
drop (XmppMam    *self,
      XmppNode   *stanza,
      const char *why)
{
  const char *from = xmpp_node_get_attribute (stanza, "from");

  self->n_dropped++;
  g_debug ("mam: dropping a result from %s: %s", from != NULL ? from : "(the account)", why);
}

gboolean
xmpp_mam_handle_message (XmppMam  *self,
                         XmppNode *stanza)
{
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *result;
  const char *queryid;
  OpenQuery *query;

  g_return_val_if_fail (XMPP_IS_MAM (self), FALSE);
  g_return_val_if_fail (stanza != NULL, FALSE);

  if (self->client == NULL)
    return FALSE;

  result = xmpp_node_get_child (stanza, "result", XMPP_NS_MAM);
  queryid = result != NULL ? xmpp_node_get_attribute (result, "queryid") : NULL;
  query = queryid != NULL ? g_hash_table_lookup (self->queries, queryid) : NULL;
  if (query == NULL)
    {
      drop (self, stanza, "no query of ours is open with that id");
      return TRUE;
    }
  if (query->messages->len >= query->max)
    {
      drop (self, stanza, "more results than the page holds");
      return TRUE;
    }

  message = xmpp_mam_parse_result (xmpp_client_get_jid (self->client), query->archive, queryid,
                                   stanza, xmpp_messages_get_language (self->messages), &error);
  if (message == NULL)
    {
      drop (self, stanza, error->message);
      return TRUE;
    }

  g_ptr_array_add (query->messages, g_steal_pointer (&message));
  return TRUE;
}

guint
xmpp_mam_get_n_dropped (XmppMam *self)
{
  g_return_val_if_fail (XMPP_IS_MAM (self), 0);

  return self->n_dropped;
}

void
xmpp_mam_set_query_hook (XmppMam          *self,
                         XmppMamQueryHook  hook,
                         gpointer          user_data)
{
  g_return_if_fail (XMPP_IS_MAM (self));

  self->hook = hook;
  self->hook_data = user_data;
}

void
xmpp_mam_set_next_query_id (XmppMam    *self,
                            const char *queryid)
{
  g_return_if_fail (XMPP_IS_MAM (self));

  g_free (self->next_query_id);
  self->next_query_id = g_strdup (queryid);
}

static gboolean
mam_message_cb (XmppClient *client,
                XmppNode   *stanza,
                gpointer    user_data)
{
  return xmpp_mam_handle_message (XMPP_MAM (user_data), stanza);
}

static void
xmpp_mam_constructed (GObject *object)
{
  XmppMam *self = XMPP_MAM (object);

  G_OBJECT_CLASS (xmpp_mam_parent_class)->constructed (object);

  g_assert (XMPP_IS_MESSAGES (self->messages));
  self->client = g_object_ref (xmpp_messages_get_client (self->messages));
  self->handler_id = xmpp_client_add_handler (self->client, "message", "result", XMPP_NS_MAM,
                                              mam_message_cb, self, NULL);
}

static void
xmpp_mam_dispose (GObject *object)
{
  XmppMam *self = XMPP_MAM (object);

  if (self->client != NULL && self->handler_id != 0)
    xmpp_client_remove_handler (self->client, self->handler_id);
  self->handler_id = 0;
  g_hash_table_remove_all (self->queries);
  g_clear_object (&self->client);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (xmpp_mam_parent_class)->dispose (object);
}

static void
xmpp_mam_finalize (GObject *object)
{
  XmppMam *self = XMPP_MAM (object);

  g_clear_pointer (&self->queries, g_hash_table_unref);
  g_clear_pointer (&self->next_query_id, g_free);

  G_OBJECT_CLASS (xmpp_mam_parent_class)->finalize (object);
}

static void
xmpp_mam_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  XmppMam *self = XMPP_MAM (object);

  switch (prop_id)
    {
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_mam_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  XmppMam *self = XMPP_MAM (object);

  switch (prop_id)
    {
    case PROP_MESSAGES:
      self->messages = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_mam_class_init (XmppMamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_mam_constructed;
  object_class->dispose = xmpp_mam_dispose;
  object_class->finalize = xmpp_mam_finalize;
  object_class->get_property = xmpp_mam_get_property;
  object_class->set_property = xmpp_mam_set_property;

  /**
   * XmppMam:messages:
   *
   * The client's message module; archive results are parsed in its
   * preferred language.
   */
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL,
                         XMPP_TYPE_MESSAGES,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_mam_init (XmppMam *self)
{
  self->queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, open_query_free);
}

/**
 * xmpp_mam_new:
 * @messages: the client's message module
 *
 * Creates the archive module and registers its result handler at once.
 *
 * Returns: (transfer full): a new #XmppMam
 */
XmppMam *
xmpp_mam_new (XmppMessages *messages)
{
  g_return_val_if_fail (XMPP_IS_MESSAGES (messages), NULL);
  g_return_val_if_fail (xmpp_messages_get_client (messages) != NULL, NULL);

  return g_object_new (XMPP_TYPE_MAM, "messages", messages, NULL);
}

/**
 * xmpp_mam_get_messages:
 * @self: an archive module
 *
 * Returns: (transfer none) (nullable): the message module, or %NULL once
 *   @self is disposed
 */
XmppMessages *
xmpp_mam_get_messages (XmppMam *self)
{
  g_return_val_if_fail (XMPP_IS_MAM (self), NULL);

  return self->messages;
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppMam *self = g_task_get_source_object (task);
  const char *queryid = g_task_get_task_data (task);
  g_autoptr(XmppNode) reply = NULL;
  XmppMamPage *page;
  GError *error = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      /* Late results of a failed query are unsolicited from now on. */
      g_hash_table_remove (self->queries, queryid);
      g_task_return_error (task, error);
      return;
    }

  page = xmpp_mam_close_query (self, queryid, reply, &error);
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) xmpp_mam_page_unref);
}

/**
 * xmpp_mam_query_async:
 * @self: an archive module
 * @archive: (nullable): the bare JID of a room whose archive to query, or
 *   %NULL for the account's own archive
 * @query: what to fetch: filters, the RSM cursor and the page size
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 *
 * Fetches one page of an archive.  Pages are independent: to page through
 * an archive, ask for the next with the previous page's last id as
 * `after_id` (or its first as `before_id`, backwards) until a page is
 * complete; to fetch ranges side by side, give each query its own
 * `start` and `end` and page each range on its own.
 */
void
xmpp_mam_query_async (XmppMam             *self,
                      XmppJid             *archive,
                      const XmppMamQuery  *query,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;
  g_autofree char *queryid = NULL;

  g_return_if_fail (XMPP_IS_MAM (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_mam_query_async);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The archive is no longer attached to an account"));
      return;
    }

  /* Unpredictable, so nobody can answer a query they did not see. */
  queryid = self->next_query_id != NULL ? g_steal_pointer (&self->next_query_id)
                                        : g_uuid_string_random ();
  iq = xmpp_mam_build_query (archive, query, queryid);
  xmpp_mam_open_query (self, archive, queryid, query->max);
  g_task_set_task_data (task, g_strdup (queryid), g_free);
  if (self->hook != NULL)
    self->hook (self, queryid, self->hook_data);

  xmpp_client_iq_async (self->client, iq, cancellable, query_cb, g_steal_pointer (&task));
}

/**
 * xmpp_mam_query_finish:
 * @self: an archive module
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the page, or %NULL with @error set:
 *   %XMPP_ERROR_STANZA if the archive refused the query,
 *   %XMPP_ERROR_BAD_STANZA if its answer had no `<fin/>`, or an error of
 *   xmpp_client_iq_async()
 */
XmppMamPage *
xmpp_mam_query_finish (XmppMam       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (XMPP_IS_MAM (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_mam_query_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
