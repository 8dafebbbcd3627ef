/* xmpp-presence.c: presence and subscriptions (RFC 6121, March 2011, §3, §4)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-presence.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-enums.h"
#include "xmpp-error.h"
#include "xmpp-presence-private.h"

#define NS_CAPS          "http://jabber.org/protocol/caps"   /* XEP-0115 */
#define NS_DELAY         "urn:xmpp:delay"                    /* XEP-0203 */
#define NS_NICK          "http://jabber.org/protocol/nick"   /* XEP-0172 */
#define NS_MUC_USER      "http://jabber.org/protocol/muc#user"
#define NS_PRE_APPROVAL  "urn:xmpp:features:pre-approval"    /* RFC 6121 §3.4 */

/* Entity capabilities strings are a hash in base64 (28 characters for
 * SHA-1) and a URI; anything much longer is not worth keeping. */
#define CAPS_MAX_BYTES 256

/**
 * XmppPresenceResource:
 *
 * What one resource (a full JID) last announced with an available
 * presence: its `<show/>`, status text, priority, entity capabilities
 * (XEP-0115) and, if the presence was delayed, when it was first sent
 * (XEP-0203).  Immutable and reference counted.
 */
struct _XmppPresenceResource
{
  gatomicrefcount   ref_count;
  XmppJid          *jid;
  XmppPresenceShow  show;
  int               priority;
  char             *status;
  char             *caps_node;
  char             *caps_ver;
  char             *caps_hash;
  GDateTime        *delay;
  guint64           serial;
};

G_DEFINE_BOXED_TYPE (XmppPresenceResource, xmpp_presence_resource,
                     xmpp_presence_resource_ref, xmpp_presence_resource_unref)

/* The presence state of one bare JID. */
typedef struct
{
  GHashTable *resources;  /* XmppJid * (full, or the bare JID itself) -> XmppPresenceResource * */
  GError     *error;      /* the last presence error, until the next available presence */
} Contact;

/**
 * XmppPresence:
 *
 * The presence module of one #XmppClient.
 *
 * It sends our own presence (RFC 6121 §4.2–4.5), keeps the presence of
 * every resource that announced itself to us, grouped by bare JID, our
 * own other devices included, and carries out the subscription handshake
 * (RFC 6121 §3), pre-approval (§3.4) included.
 *
 * The own presence is not sent by itself: call xmpp_presence_send_own()
 * once the session is set up (RFC 6121 §2.2 asks for the roster first;
 * carbons should be on before it, see DESIGN.md).  After that,
 * xmpp_presence_set_own() sends every change, until the next fresh
 * session or xmpp_presence_send_unavailable().
 *
 * Resources are dropped when a fresh session starts and when a session
 * ends for good; a session that is being resumed keeps them, since the
 * server will not send them again.
 *
 * Presence carrying MUC user data (XEP-0045) is left to a MUC module.
 *
 * The module holds a strong reference to its client; the client holds
 * none to it (handlers are registered with unowned data and removed in
 * dispose), so there is no cycle.
 */
struct _XmppPresence
{
  GObject           parent_instance;

  XmppClient       *client;
  GHashTable       *contacts;   /* XmppJid * (bare) -> Contact * */
  guint64           serial;
  guint             handler_id;

  char             *language;
  char             *status;
  XmppPresenceShow  show;
  int               priority;
  gboolean          announced;
};

G_DEFINE_FINAL_TYPE (XmppPresence, xmpp_presence, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SHOW,
  PROP_STATUS,
  PROP_PRIORITY,
  PROP_ANNOUNCED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RESOURCE_CHANGED,
  SIGNAL_RESOURCE_REMOVED,
  SIGNAL_PRESENCE_ERROR,
  SIGNAL_SUBSCRIPTION_REQUEST,
  SIGNAL_SUBSCRIBED,
  SIGNAL_UNSUBSCRIBED,
  SIGNAL_UNSUBSCRIBE,
  SIGNAL_PREPARE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const show_names[] = {
  [XMPP_PRESENCE_SHOW_AVAILABLE] = NULL,
  [XMPP_PRESENCE_SHOW_CHAT] = "chat",
  [XMPP_PRESENCE_SHOW_AWAY] = "away",
  [XMPP_PRESENCE_SHOW_XA] = "xa",
  [XMPP_PRESENCE_SHOW_DND] = "dnd",
};

G_STATIC_ASSERT (G_N_ELEMENTS (show_names) == XMPP_PRESENCE_SHOW_DND + 1);

/* How available each <show/> is, for ranking resources: chat, available,
 * away, xa, dnd.  RFC 6121 leaves the order to clients; this is the
 * common one. */
static const int show_rank[] = {
  [XMPP_PRESENCE_SHOW_CHAT] = 4,
  [XMPP_PRESENCE_SHOW_AVAILABLE] = 3,
  [XMPP_PRESENCE_SHOW_AWAY] = 2,
  [XMPP_PRESENCE_SHOW_XA] = 1,
  [XMPP_PRESENCE_SHOW_DND] = 0,
};

G_STATIC_ASSERT (G_N_ELEMENTS (show_rank) == XMPP_PRESENCE_SHOW_DND + 1);

/**
 * xmpp_presence_show_to_string:
 * @show: an availability
 *
 * Returns: (nullable): the text of `<show/>` for @show, or %NULL for
 *   %XMPP_PRESENCE_SHOW_AVAILABLE, which has none
 */
const char *
xmpp_presence_show_to_string (XmppPresenceShow show)
{
  g_return_val_if_fail ((guint) show < G_N_ELEMENTS (show_names), NULL);

  return show_names[show];
}

XmppPresenceShow
xmpp_presence_parse_show (const char *text)
{
  if (text == NULL)
    return XMPP_PRESENCE_SHOW_AVAILABLE;
  for (guint i = XMPP_PRESENCE_SHOW_CHAT; i < G_N_ELEMENTS (show_names); i++)
    {
      if (strcmp (text, show_names[i]) == 0)
        return (XmppPresenceShow) i;
    }
  g_debug ("presence: unknown <show/> value; taken as available");
  return XMPP_PRESENCE_SHOW_AVAILABLE;
}

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
xmpp_presence_parse_priority (const char *text)
{
  const char *p = text;
  const char *end;
  gboolean negative = FALSE;
  int value = 0;

  if (text == NULL)
    return 0;

  /* xs:byte: optional sign and decimal digits; XML Schema collapses the
   * whitespace around them. */
  end = text + strlen (text);
  while (p < end && is_xml_space (*p))
    p++;
  while (end > p && is_xml_space (end[-1]))
    end--;
  if (p < end && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == end)
    goto invalid;
  for (; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        goto invalid;
      /* Stop growing once out of range, so long strings cannot overflow. */
      if (value <= 128)
        value = value * 10 + (*p - '0');
    }
  if (negative)
    value = -value;
  if (value < -128 || value > 127)
    goto invalid;

  return value;

invalid:
  g_debug ("presence: invalid <priority/>; taken as 0");
  return 0;
}

char *
xmpp_presence_truncate_text (const char *text)
{
  const char *end;
  guint n = 0;

  if (text == NULL || text[0] == '\0')
    return NULL;

  /* The reader hands over valid UTF-8 only, so stepping by characters is
   * safe. */
  end = text;
  while (*end != '\0' && n < XMPP_PRESENCE_STATUS_MAX_CHARS)
    {
      end = g_utf8_next_char (end);
      n++;
    }
  if (*end == '\0')
    return g_strdup (text);

  g_debug ("presence: text of more than %u characters truncated", XMPP_PRESENCE_STATUS_MAX_CHARS);
  return g_strndup (text, end - text);
}

/* Of several <status/> (or similar) children, the one in @language, else
 * the one without xml:lang, else the first (RFC 6121 §4.7.2.2). */
static const char *
pick_text_child (XmppNode   *stanza,
                 const char *name,
                 const char *xmlns,
                 const char *language)
{
  XmppNode **children;
  guint n_children = 0;
  const char *first = NULL;
  const char *unlabelled = NULL;

  children = xmpp_node_get_children (stanza, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      const char *lang;

      if (!xmpp_node_is (children[i], name, xmlns))
        continue;
      lang = xmpp_node_get_attribute (children[i], "xml:lang");
      if (language != NULL && lang != NULL && g_ascii_strcasecmp (lang, language) == 0)
        return xmpp_node_get_text (children[i]);
      if (lang == NULL && unlabelled == NULL)
        unlabelled = xmpp_node_get_text (children[i]);
      if (first == NULL)
        first = xmpp_node_get_text (children[i]);
    }

  return unlabelled != NULL ? unlabelled : first;
}

static char *
dup_short_attribute (XmppNode   *node,
                     const char *name)
{
  const char *value = xmpp_node_get_attribute (node, name);

  if (value == NULL || value[0] == '\0' || strlen (value) > CAPS_MAX_BYTES)
    return NULL;
  return g_strdup (value);
}

XmppPresenceResource *
xmpp_presence_resource_parse (XmppNode   *presence,
                              XmppJid    *from,
                              const char *language,
                              guint64     serial)
{
  XmppPresenceResource *self;
  XmppNode *caps;
  XmppNode *delay;

  g_return_val_if_fail (presence != NULL, NULL);
  g_return_val_if_fail (from != NULL, NULL);

  self = g_new0 (XmppPresenceResource, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->jid = xmpp_jid_ref (from);
  self->serial = serial;
  self->show = xmpp_presence_parse_show (xmpp_node_get_child_text (presence, "show",
                                                                   XMPP_NS_CLIENT));
  self->priority = xmpp_presence_parse_priority (xmpp_node_get_child_text (presence, "priority",
                                                                           XMPP_NS_CLIENT));
  self->status = xmpp_presence_truncate_text (pick_text_child (presence, "status", XMPP_NS_CLIENT,
                                                               language));

  caps = xmpp_node_get_child (presence, "c", NS_CAPS);
  if (caps != NULL)
    {
      self->caps_ver = dup_short_attribute (caps, "ver");
      if (self->caps_ver != NULL)
        {
          self->caps_node = dup_short_attribute (caps, "node");
          self->caps_hash = dup_short_attribute (caps, "hash");
        }
      else
        g_debug ("presence: ignoring entity capabilities without a usable ver");
    }

  delay = xmpp_node_get_child (presence, "delay", NS_DELAY);
  if (delay != NULL && xmpp_node_get_attribute (delay, "stamp") != NULL)
    {
      /* XEP-0082 stamps always carry a zone, so no default is needed. */
      self->delay = g_date_time_new_from_iso8601 (xmpp_node_get_attribute (delay, "stamp"), NULL);
      if (self->delay == NULL)
        g_debug ("presence: ignoring an invalid delay stamp");
    }

  return self;
}

/**
 * xmpp_presence_resource_ref:
 * @self: a resource
 *
 * Returns: (transfer full): @self, with one more reference
 */
XmppPresenceResource *
xmpp_presence_resource_ref (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_presence_resource_unref:
 * @self: (transfer full): a resource
 *
 * Drops a reference; the last one frees the resource.
 */
void
xmpp_presence_resource_unref (XmppPresenceResource *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  xmpp_jid_unref (self->jid);
  g_free (self->status);
  g_free (self->caps_node);
  g_free (self->caps_ver);
  g_free (self->caps_hash);
  g_clear_pointer (&self->delay, g_date_time_unref);
  g_free (self);
}

/**
 * xmpp_presence_resource_get_jid:
 * @self: a resource
 *
 * Returns: (transfer none): the JID the presence came from: a full JID,
 *   or a bare JID for entities that send presence without a resource
 */
XmppJid *
xmpp_presence_resource_get_jid (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->jid;
}

/**
 * xmpp_presence_resource_get_show:
 * @self: a resource
 *
 * Returns: the resource's availability
 */
XmppPresenceShow
xmpp_presence_resource_get_show (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, XMPP_PRESENCE_SHOW_AVAILABLE);

  return self->show;
}

/**
 * xmpp_presence_resource_get_status:
 * @self: a resource
 *
 * Returns: (nullable): the status text, at most
 *   %XMPP_PRESENCE_STATUS_MAX_CHARS characters, or %NULL
 */
const char *
xmpp_presence_resource_get_status (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->status;
}

/**
 * xmpp_presence_resource_get_priority:
 * @self: a resource
 *
 * Returns: the priority, -128 to 127; 0 if none or an invalid one was sent
 */
int
xmpp_presence_resource_get_priority (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->priority;
}

/**
 * xmpp_presence_resource_get_caps_node:
 * @self: a resource
 *
 * Returns: (nullable): the `node` of the entity capabilities (XEP-0115),
 *   naming the client software
 */
const char *
xmpp_presence_resource_get_caps_node (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->caps_node;
}

/**
 * xmpp_presence_resource_get_caps_ver:
 * @self: a resource
 *
 * Returns: (nullable): the verification string of the entity
 *   capabilities (XEP-0115), or %NULL if the presence had none
 */
const char *
xmpp_presence_resource_get_caps_ver (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->caps_ver;
}

/**
 * xmpp_presence_resource_get_caps_hash:
 * @self: a resource
 *
 * Returns: (nullable): the hash function of the verification string, e.g.
 *   `sha-1`; %NULL for legacy capabilities
 */
const char *
xmpp_presence_resource_get_caps_hash (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->caps_hash;
}

/**
 * xmpp_presence_resource_get_delay:
 * @self: a resource
 *
 * Returns: (transfer none) (nullable): when the presence was originally
 *   sent if it was delivered late (XEP-0203), else %NULL
 */
GDateTime *
xmpp_presence_resource_get_delay (XmppPresenceResource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->delay;
}

int
xmpp_presence_resource_compare (XmppPresenceResource *a,
                                XmppPresenceResource *b)
{
  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (b != NULL, 0);

  if (a->priority != b->priority)
    return a->priority < b->priority ? -1 : 1;
  if (show_rank[a->show] != show_rank[b->show])
    return show_rank[a->show] < show_rank[b->show] ? -1 : 1;
  if (a->serial != b->serial)
    return a->serial < b->serial ? -1 : 1;
  return 0;
}

XmppNode *
xmpp_presence_build (XmppPresenceShow  show,
                     const char       *status,
                     int               priority,
                     const char       *language)
{
  XmppNode *presence;

  g_return_val_if_fail ((guint) show < G_N_ELEMENTS (show_names), NULL);
  g_return_val_if_fail (priority >= -128 && priority <= 127, NULL);

  presence = xmpp_node_new ("presence", XMPP_NS_CLIENT);
  if (language != NULL && language[0] != '\0')
    xmpp_node_set_attribute (presence, "xml:lang", language);
  if (show_names[show] != NULL)
    xmpp_node_add_text_child (presence, "show", NULL, show_names[show]);
  if (status != NULL && status[0] != '\0')
    xmpp_node_add_text_child (presence, "status", NULL, status);
  if (priority != 0)
    {
      char text[8];

      g_snprintf (text, sizeof text, "%d", priority);
      xmpp_node_add_text_child (presence, "priority", NULL, text);
    }

  return presence;
}

static void
contact_free (gpointer data)
{
  Contact *contact = data;

  g_hash_table_unref (contact->resources);
  g_clear_error (&contact->error);
  g_free (contact);
}

static Contact *
ensure_contact (XmppPresence *self,
                XmppJid      *bare)
{
  Contact *contact = g_hash_table_lookup (self->contacts, bare);

  if (contact == NULL)
    {
      contact = g_new0 (Contact, 1);
      contact->resources = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                                  (GDestroyNotify) xmpp_jid_unref,
                                                  (GDestroyNotify) xmpp_presence_resource_unref);
      g_hash_table_insert (self->contacts, xmpp_jid_ref (bare), contact);
    }
  return contact;
}

static Contact *
lookup_contact (XmppPresence *self,
                XmppJid      *jid)
{
  g_autoptr(XmppJid) bare = NULL;

  if (xmpp_jid_is_bare (jid))
    return g_hash_table_lookup (self->contacts, jid);
  bare = xmpp_jid_dup_bare (jid);
  return g_hash_table_lookup (self->contacts, bare);
}

static void
forget_contact_if_empty (XmppPresence *self,
                         XmppJid      *bare)
{
  Contact *contact = g_hash_table_lookup (self->contacts, bare);

  if (contact != NULL && g_hash_table_size (contact->resources) == 0 && contact->error == NULL)
    g_hash_table_remove (self->contacts, bare);
}

/* Removes the resources of @bare for which @full matches (all of them if
 * @full is NULL), with ::resource-removed for each. */
static void
remove_resources (XmppPresence *self,
                  XmppJid      *bare,
                  XmppJid      *full)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  Contact *contact = g_hash_table_lookup (self->contacts, bare);

  if (contact == NULL)
    return;

  if (full != NULL)
    {
      if (g_hash_table_contains (contact->resources, full))
        g_ptr_array_add (gone, xmpp_jid_ref (full));
    }
  else
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, contact->resources);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (gone, xmpp_jid_ref (key));
    }

  for (guint i = 0; i < gone->len; i++)
    {
      XmppJid *jid = g_ptr_array_index (gone, i);

      /* A handler may have changed the table; look again each time. */
      contact = g_hash_table_lookup (self->contacts, bare);
      if (contact != NULL && g_hash_table_remove (contact->resources, jid))
        g_signal_emit (self, signals[SIGNAL_RESOURCE_REMOVED], 0, jid);
    }
  forget_contact_if_empty (self, bare);
}

/* Forgets every resource and error, as a session that cannot be resumed
 * ends: the server sends the presence of everyone again in the next one. */
static void
clear_all (XmppPresence *self)
{
  g_autoptr(GPtrArray) bares = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (bares, xmpp_jid_ref (key));

  for (guint i = 0; i < bares->len; i++)
    {
      XmppJid *bare = g_ptr_array_index (bares, i);
      Contact *contact = g_hash_table_lookup (self->contacts, bare);

      if (contact != NULL)
        g_clear_error (&contact->error);
      remove_resources (self, bare, NULL);
    }
  g_hash_table_remove_all (self->contacts);
}

static void
handle_available (XmppPresence *self,
                  XmppNode     *stanza,
                  XmppJid      *from,
                  XmppJid      *bare)
{
  g_autoptr(XmppPresenceResource) resource = NULL;
  Contact *contact;

  contact = ensure_contact (self, bare);
  if (!g_hash_table_contains (contact->resources, from) &&
      g_hash_table_size (contact->resources) >= XMPP_PRESENCE_MAX_RESOURCES)
    {
      g_debug ("presence: too many resources for %s; ignoring %s",
               xmpp_jid_to_string (bare), xmpp_jid_to_string (from));
      return;
    }

  resource = xmpp_presence_resource_parse (stanza, from, self->language, ++self->serial);
  g_clear_error (&contact->error);
  g_hash_table_replace (contact->resources, xmpp_jid_ref (from),
                        xmpp_presence_resource_ref (resource));
  g_signal_emit (self, signals[SIGNAL_RESOURCE_CHANGED], 0, from, resource);
}

static void
handle_error (XmppPresence *self,
              XmppNode     *stanza,
              XmppJid      *from,
              XmppJid      *bare)
{
  g_autoptr(GError) error = xmpp_stanza_error_new (stanza);
  Contact *contact;

  g_debug ("presence: error from %s: %s", xmpp_jid_to_string (from), error->message);

  /* The error stands for the contact until it is available again; the
   * resource it came from, or all of them for a bare JID, are gone. */
  contact = ensure_contact (self, bare);
  g_clear_error (&contact->error);
  contact->error = g_error_copy (error);
  remove_resources (self, bare, xmpp_jid_is_bare (from) ? NULL : from);
  g_signal_emit (self, signals[SIGNAL_PRESENCE_ERROR], 0, from, error);
}

static void
handle_subscription_request (XmppPresence *self,
                             XmppNode     *stanza,
                             XmppJid      *bare)
{
  g_autofree char *status = NULL;
  g_autofree char *nick = NULL;

  status = xmpp_presence_truncate_text (pick_text_child (stanza, "status", XMPP_NS_CLIENT,
                                                         self->language));
  nick = xmpp_presence_truncate_text (xmpp_node_get_child_text (stanza, "nick", NS_NICK));
  g_signal_emit (self, signals[SIGNAL_SUBSCRIPTION_REQUEST], 0, bare, nick, status);
}

gboolean
xmpp_presence_handle_stanza (XmppPresence *self,
                             XmppNode     *presence)
{
  g_autoptr(XmppJid) from = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(GError) error = NULL;
  const char *from_text;
  const char *type;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);
  g_return_val_if_fail (presence != NULL, FALSE);

  /* Occupant presence belongs to the MUC module, whenever it registered. */
  if (xmpp_node_get_child (presence, "x", NS_MUC_USER) != NULL)
    return FALSE;

  from_text = xmpp_node_get_attribute (presence, "from");
  if (from_text == NULL)
    {
      g_debug ("presence: ignoring presence without a sender");
      return TRUE;
    }
  /* The client dropped stanzas with an invalid 'from'; check anyway,
   * since the tests feed stanzas directly. */
  from = xmpp_jid_new (from_text, &error);
  if (from == NULL)
    {
      g_debug ("presence: ignoring presence from an invalid JID: %s", error->message);
      return TRUE;
    }
  bare = xmpp_jid_dup_bare (from);
  type = xmpp_node_get_attribute (presence, "type");

  if (type == NULL)
    handle_available (self, presence, from, bare);
  else if (strcmp (type, "unavailable") == 0)
    remove_resources (self, bare, xmpp_jid_is_bare (from) ? NULL : from);
  else if (strcmp (type, "error") == 0)
    handle_error (self, presence, from, bare);
  else if (strcmp (type, "subscribe") == 0)
    handle_subscription_request (self, presence, bare);
  else if (strcmp (type, "subscribed") == 0)
    g_signal_emit (self, signals[SIGNAL_SUBSCRIBED], 0, bare);
  else if (strcmp (type, "unsubscribed") == 0)
    g_signal_emit (self, signals[SIGNAL_UNSUBSCRIBED], 0, bare);
  else if (strcmp (type, "unsubscribe") == 0)
    g_signal_emit (self, signals[SIGNAL_UNSUBSCRIBE], 0, bare);
  else if (strcmp (type, "probe") == 0)
    g_debug ("presence: ignoring a probe; answering is the server's job");
  else
    g_debug ("presence: ignoring presence of unknown type");

  return TRUE;
}

static gboolean
presence_cb (XmppClient *client,
             XmppNode   *stanza,
             gpointer    user_data)
{
  return xmpp_presence_handle_stanza (XMPP_PRESENCE (user_data), stanza);
}

static void
set_announced (XmppPresence *self,
               gboolean      announced)
{
  if (self->announced == announced)
    return;
  self->announced = announced;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCED]);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  XmppPresence *self = XMPP_PRESENCE (user_data);

  /* A resumed session keeps the server's view of us and of our contacts. */
  if (resumed)
    return;

  clear_all (self);
  set_announced (self, FALSE);
}

static void
disconnected_cb (XmppClient   *client,
                 const GError *error,
                 gpointer      user_data)
{
  XmppPresence *self = XMPP_PRESENCE (user_data);

  /* Keep the resources while a resumable session reconnects; otherwise
   * they are stale for good. */
  if (xmpp_client_get_state (client) == XMPP_CLIENT_WAITING &&
      xmpp_client_get_stream_management (client))
    return;

  clear_all (self);
  set_announced (self, FALSE);
}

static void
xmpp_presence_constructed (GObject *object)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  G_OBJECT_CLASS (xmpp_presence_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  self->handler_id = xmpp_client_add_handler (self->client, "presence", NULL, NULL,
                                              presence_cb, self, NULL);
  g_signal_connect (self->client, "online", G_CALLBACK (online_cb), self);
  g_signal_connect (self->client, "disconnected", G_CALLBACK (disconnected_cb), self);
}

static void
xmpp_presence_dispose (GObject *object)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  if (self->client != NULL)
    {
      if (self->handler_id != 0)
        xmpp_client_remove_handler (self->client, self->handler_id);
      self->handler_id = 0;
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  g_clear_object (&self->client);
  g_hash_table_remove_all (self->contacts);

  G_OBJECT_CLASS (xmpp_presence_parent_class)->dispose (object);
}

static void
xmpp_presence_finalize (GObject *object)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  g_clear_pointer (&self->contacts, g_hash_table_unref);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (xmpp_presence_parent_class)->finalize (object);
}

static void
xmpp_presence_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_SHOW:
      g_value_set_enum (value, self->show);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_PRIORITY:
      g_value_set_int (value, self->priority);
      break;

    case PROP_ANNOUNCED:
      g_value_set_boolean (value, self->announced);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_presence_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_presence_class_init (XmppPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_presence_constructed;
  object_class->dispose = xmpp_presence_dispose;
  object_class->finalize = xmpp_presence_finalize;
  object_class->get_property = xmpp_presence_get_property;
  object_class->set_property = xmpp_presence_set_property;

  /**
   * XmppPresence:client:
   *
   * The client whose presence this is.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         XMPP_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppPresence:show:
   *
   * Our own availability; set with xmpp_presence_set_own().
   */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL,
                       XMPP_TYPE_PRESENCE_SHOW,
                       XMPP_PRESENCE_SHOW_AVAILABLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppPresence:status:
   *
   * Our own status text; set with xmpp_presence_set_own().
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppPresence:priority:
   *
   * Our own priority; set with xmpp_presence_set_own().
   */
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL,
                      -128, 127, 0,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppPresence:announced:
   *
   * Whether our available presence went out in this session, so that
   * changes to it are sent as they are made.
   */
  properties[PROP_ANNOUNCED] =
    g_param_spec_boolean ("announced", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppPresence::resource-changed:
   * @self: the presence module
   * @jid: the full JID that sent an available presence
   * @resource: what it announced
   *
   * A resource came online or changed its presence.  Our own other
   * devices are reported too.
   */
  signals[SIGNAL_RESOURCE_CHANGED] =
    g_signal_new ("resource-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, XMPP_TYPE_JID, XMPP_TYPE_PRESENCE_RESOURCE);

  /**
   * XmppPresence::resource-removed:
   * @self: the presence module
   * @jid: the JID of the resource
   *
   * A resource went offline, answered with an error, or was forgotten
   * because the session ended for good.
   */
  signals[SIGNAL_RESOURCE_REMOVED] =
    g_signal_new ("resource-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppPresence::presence-error:
   * @self: the presence module
   * @jid: the JID the error came from
   * @error: the stanza error, in %XMPP_ERROR_STANZA with the condition at
   *   the start of its message
   *
   * A presence of type `error` arrived, e.g. because the contact's server
   * cannot be reached.  The contact keeps the error (see
   * xmpp_presence_get_error()) until it is available again.
   */
  signals[SIGNAL_PRESENCE_ERROR] =
    g_signal_new ("presence-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_ERROR);

  /**
   * XmppPresence::subscription-request:
   * @self: the presence module
   * @jid: the bare JID asking to see our presence
   * @nick: (nullable): the nickname it offers (XEP-0172)
   * @status: (nullable): the text that came with the request
   *
   * Someone asks for our presence (RFC 6121 §3.1.3).  Answer with
   * xmpp_presence_approve() or xmpp_presence_deny(), now or later: the
   * server keeps the request until then.  The nickname and text come from
   * the requester and are not to be trusted.
   */
  signals[SIGNAL_SUBSCRIPTION_REQUEST] =
    g_signal_new ("subscription-request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, XMPP_TYPE_JID, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * XmppPresence::subscribed:
   * @self: the presence module
   * @jid: the contact's bare JID
   *
   * The contact approved our subscription request (RFC 6121 §3.1.5).
   */
  signals[SIGNAL_SUBSCRIBED] =
    g_signal_new ("subscribed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppPresence::unsubscribed:
   * @self: the presence module
   * @jid: the contact's bare JID
   *
   * The contact denied our subscription request or cancelled the
   * subscription we had (RFC 6121 §3.1.6, §3.2).
   */
  signals[SIGNAL_UNSUBSCRIBED] =
    g_signal_new ("unsubscribed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppPresence::unsubscribe:
   * @self: the presence module
   * @jid: the contact's bare JID
   *
   * The contact no longer wants our presence (RFC 6121 §3.3); the server
   * has already ended their subscription.
   */
  signals[SIGNAL_UNSUBSCRIBE] =
    g_signal_new ("unsubscribe",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppPresence::prepare:
   * @self: the presence module
   * @presence: the available presence about to be sent
   *
   * Lets other modules add to each available presence we broadcast, such
   * as entity capabilities (XEP-0115).  This signal exists to pass the raw
   * node: handlers add children to @presence and must not keep it.
   */
  signals[SIGNAL_PREPARE] =
    g_signal_new ("prepare",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_NODE);
}

static void
xmpp_presence_init (XmppPresence *self)
{
  self->contacts = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                          (GDestroyNotify) xmpp_jid_unref, contact_free);
  self->show = XMPP_PRESENCE_SHOW_AVAILABLE;
}

/**
 * xmpp_presence_new:
 * @client: the client to attach to
 *
 * Creates the presence module of @client.
 *
 * Returns: (transfer full): a new #XmppPresence
 */
XmppPresence *
xmpp_presence_new (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  return g_object_new (XMPP_TYPE_PRESENCE, "client", client, NULL);
}

/**
 * xmpp_presence_get_client:
 * @self: a presence module
 *
 * Returns: (transfer none) (nullable): the client, or %NULL once @self is
 *   disposed
 */
XmppClient *
xmpp_presence_get_client (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->client;
}

/**
 * xmpp_presence_get_language:
 * @self: a presence module
 *
 * Returns: (nullable): the language set with xmpp_presence_set_language()
 */
const char *
xmpp_presence_get_language (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->language;
}

/**
 * xmpp_presence_set_language:
 * @self: a presence module
 * @language: (nullable): the language of our status texts, as a BCP 47
 *   tag such as `de`, or %NULL if not known
 *
 * Sets the `xml:lang` of the presence we send, and the language preferred
 * when a contact sends status texts in several.
 */
void
xmpp_presence_set_language (XmppPresence *self,
                            const char   *language)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  if (language != NULL && language[0] == '\0')
    language = NULL;
  g_free (self->language);
  self->language = g_strdup (language);
}

/**
 * xmpp_presence_get_show:
 * @self: a presence module
 *
 * Returns: our own availability
 */
XmppPresenceShow
xmpp_presence_get_show (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), XMPP_PRESENCE_SHOW_AVAILABLE);

  return self->show;
}

/**
 * xmpp_presence_get_status:
 * @self: a presence module
 *
 * Returns: (nullable): our own status text
 */
const char *
xmpp_presence_get_status (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->status;
}

/**
 * xmpp_presence_get_priority:
 * @self: a presence module
 *
 * Returns: our own priority
 */
int
xmpp_presence_get_priority (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), 0);

  return self->priority;
}

/**
 * xmpp_presence_get_announced:
 * @self: a presence module
 *
 * Returns: the value of #XmppPresence:announced
 */
gboolean
xmpp_presence_get_announced (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);

  return self->announced;
}

/**
 * xmpp_presence_set_own:
 * @self: a presence module
 * @show: our availability
 * @status: (nullable): a status text; %NULL or `""` for none
 * @priority: our priority, -128 to 127; a negative one asks the server not
 *   to deliver messages for the bare JID to this resource (RFC 6121 §4.7.2.3)
 *
 * Sets our own presence.  Once xmpp_presence_send_own() has announced us
 * in this session, the change is sent at once.
 */
void
xmpp_presence_set_own (XmppPresence     *self,
                       XmppPresenceShow  show,
                       const char       *status,
                       int               priority)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail ((guint) show < G_N_ELEMENTS (show_names));
  g_return_if_fail (priority >= -128 && priority <= 127);

  if (status != NULL && status[0] == '\0')
    status = NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->show != show)
    {
      self->show = show;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
    }
  if (g_strcmp0 (self->status, status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (self->priority != priority)
    {
      self->priority = priority;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIORITY]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (self->announced)
    xmpp_presence_send_own (self);
}

/**
 * xmpp_presence_send_own:
 * @self: a presence module
 *
 * Broadcasts our own presence, as set with xmpp_presence_set_own(), after
 * ::prepare has had the chance to add to it.  The first call in a session
 * is the initial presence, which makes the server send us the presence of
 * our contacts (RFC 6121 §4.2).
 */
void
xmpp_presence_send_own (XmppPresence *self)
{
  g_autoptr(XmppNode) presence = NULL;

  g_return_if_fail (XMPP_IS_PRESENCE (self));

  if (self->client == NULL)
    return;

  presence = xmpp_presence_build (self->show, self->status, self->priority, self->language);
  g_signal_emit (self, signals[SIGNAL_PREPARE], 0, presence);
  xmpp_client_send (self->client, presence);
  set_announced (self, TRUE);
}

/**
 * xmpp_presence_send_unavailable:
 * @self: a presence module
 * @status: (nullable): a parting status text
 *
 * Tells our contacts we are offline while staying connected (RFC 6121
 * §4.5).  xmpp_presence_send_own() makes us available again.
 */
void
xmpp_presence_send_unavailable (XmppPresence *self,
                                const char   *status)
{
  g_autoptr(XmppNode) presence = NULL;

  g_return_if_fail (XMPP_IS_PRESENCE (self));

  if (self->client == NULL)
    return;

  presence = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                              "type", "unavailable",
                              "xml:lang", self->language,
                              NULL);
  if (status != NULL && status[0] != '\0')
    xmpp_node_add_text_child (presence, "status", NULL, status);
  xmpp_client_send (self->client, presence);
  set_announced (self, FALSE);
}

/**
 * xmpp_presence_lookup_resource:
 * @self: a presence module
 * @full_jid: the JID of a resource
 *
 * Returns: (transfer none) (nullable): what @full_jid last announced, or
 *   %NULL if it is not online
 */
XmppPresenceResource *
xmpp_presence_lookup_resource (XmppPresence *self,
                               XmppJid      *full_jid)
{
  Contact *contact;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);
  g_return_val_if_fail (full_jid != NULL, NULL);

  contact = lookup_contact (self, full_jid);
  return contact != NULL ? g_hash_table_lookup (contact->resources, full_jid) : NULL;
}

/**
 * xmpp_presence_dup_resources:
 * @self: a presence module
 * @jid: a JID; only its bare part counts
 *
 * Returns: (transfer full) (element-type XmppPresenceResource): the online
 *   resources of @jid's bare JID, best first (see
 *   xmpp_presence_get_best_resource())
 */
GPtrArray *
xmpp_presence_dup_resources (XmppPresence *self,
                             XmppJid      *jid)
{
  GPtrArray *resources;
  Contact *contact;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  resources = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_presence_resource_unref);
  contact = lookup_contact (self, jid);
  if (contact != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, contact->resources);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (resources, xmpp_presence_resource_ref (value));
    }

  /* Best first: compare the other way round. */
  for (guint i = 1; i < resources->len; i++)
    {
      for (guint j = i; j > 0; j--)
        {
          gpointer *p = resources->pdata;
          gpointer tmp;

          if (xmpp_presence_resource_compare (p[j - 1], p[j]) >= 0)
            break;
          tmp = p[j - 1];
          p[j - 1] = p[j];
          p[j] = tmp;
        }
    }

  return resources;
}

/**
 * xmpp_presence_get_best_resource:
 * @self: a presence module
 * @jid: a JID; only its bare part counts
 *
 * The resource that best represents the contact: the highest priority,
 * then the most available (chat, available, away, xa, dnd), then the one
 * heard from last.
 *
 * Returns: (transfer none) (nullable): the best online resource of @jid,
 *   or %NULL if none is online
 */
XmppPresenceResource *
xmpp_presence_get_best_resource (XmppPresence *self,
                                 XmppJid      *jid)
{
  XmppPresenceResource *best = NULL;
  GHashTableIter iter;
  gpointer value;
  Contact *contact;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  contact = lookup_contact (self, jid);
  if (contact == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, contact->resources);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (best == NULL || xmpp_presence_resource_compare (value, best) > 0)
        best = value;
    }
  return best;
}

/**
 * xmpp_presence_dup_own_resources:
 * @self: a presence module
 *
 * Returns: (transfer full) (element-type XmppPresenceResource): our own
 *   account's other online resources (devices), best first; this one is
 *   not among them
 */
GPtrArray *
xmpp_presence_dup_own_resources (XmppPresence *self)
{
  GPtrArray *resources;
  XmppJid *bound;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  if (self->client == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_presence_resource_unref);

  resources = xmpp_presence_dup_resources (self, xmpp_client_get_jid (self->client));
  bound = xmpp_client_get_bound_jid (self->client);
  for (guint i = 0; bound != NULL && i < resources->len; i++)
    {
      XmppPresenceResource *resource = g_ptr_array_index (resources, i);

      if (xmpp_jid_equal (resource->jid, bound))
        {
          g_ptr_array_remove_index (resources, i);
          break;
        }
    }
  return resources;
}

/**
 * xmpp_presence_get_error:
 * @self: a presence module
 * @jid: a JID; only its bare part counts
 *
 * Returns: (transfer none) (nullable): the error of the last presence of
 *   type `error` from @jid's bare JID, if no available presence came since
 */
const GError *
xmpp_presence_get_error (XmppPresence *self,
                         XmppJid      *jid)
{
  Contact *contact;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  contact = lookup_contact (self, jid);
  return contact != NULL ? contact->error : NULL;
}

/**
 * xmpp_presence_forget:
 * @self: a presence module
 * @jid: a JID; only its bare part counts
 *
 * Drops every resource of @jid's bare JID, with ::resource-removed for
 * each, and its error.  For when we stop receiving the contact's presence
 * by our own doing: RFC 6121 §3.3.3 has the contact's server send
 * unavailable presence then, but Prosody 0.12 does not when the user
 * removes a contact from the roster, so call this on
 * #XmppRoster::item-removed (xmpp_presence_unsubscribe() calls it itself).
 */
void
xmpp_presence_forget (XmppPresence *self,
                      XmppJid      *jid)
{
  g_autoptr(XmppJid) bare = NULL;
  Contact *contact;

  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  bare = xmpp_jid_dup_bare (jid);
  contact = g_hash_table_lookup (self->contacts, bare);
  if (contact == NULL)
    return;
  g_clear_error (&contact->error);
  remove_resources (self, bare, NULL);
}

/* Subscription stanzas go to the bare JID (RFC 6121 §3.1.1). */
static void
send_subscription (XmppPresence *self,
                   XmppJid      *jid,
                   const char   *type,
                   const char   *nick,
                   const char   *status)
{
  g_autoptr(XmppNode) presence = NULL;

  if (self->client == NULL)
    return;

  presence = xmpp_node_build ("presence", XMPP_NS_CLIENT,
                              "to", xmpp_jid_to_bare_string (jid),
                              "type", type,
                              NULL);
  if (status != NULL && status[0] != '\0')
    xmpp_node_add_text_child (presence, "status", NULL, status);
  if (nick != NULL && nick[0] != '\0')
    xmpp_node_add_text_child (presence, "nick", NS_NICK, nick);
  xmpp_client_send (self->client, presence);
}

/**
 * xmpp_presence_subscribe:
 * @self: a presence module
 * @jid: the contact; the request goes to its bare JID
 * @nick: (nullable): our nickname, for the contact to see (XEP-0172)
 * @status: (nullable): a text to go with the request
 *
 * Asks for the contact's presence (RFC 6121 §3.1.1).  The server adds the
 * contact to the roster if needed and marks the item `ask='subscribe'`
 * until the contact answers, with ::subscribed or ::unsubscribed.
 */
void
xmpp_presence_subscribe (XmppPresence *self,
                         XmppJid      *jid,
                         const char   *nick,
                         const char   *status)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  send_subscription (self, jid, "subscribe", nick, status);
}

/**
 * xmpp_presence_approve:
 * @self: a presence module
 * @jid: the contact whose ::subscription-request to approve
 *
 * Lets the contact see our presence (RFC 6121 §3.1.4).
 */
void
xmpp_presence_approve (XmppPresence *self,
                       XmppJid      *jid)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  send_subscription (self, jid, "subscribed", NULL, NULL);
}

/**
 * xmpp_presence_deny:
 * @self: a presence module
 * @jid: the contact whose ::subscription-request to deny
 *
 * Refuses the contact our presence (RFC 6121 §3.1.4).  The stanza is the
 * same as xmpp_presence_cancel_subscription()'s.
 */
void
xmpp_presence_deny (XmppPresence *self,
                    XmppJid      *jid)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  send_subscription (self, jid, "unsubscribed", NULL, NULL);
}

/**
 * xmpp_presence_unsubscribe:
 * @self: a presence module
 * @jid: the contact
 *
 * Stops our subscription to the contact's presence (RFC 6121 §3.3), and
 * forgets the presence we had of it (see xmpp_presence_forget()).
 */
void
xmpp_presence_unsubscribe (XmppPresence *self,
                           XmppJid      *jid)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  send_subscription (self, jid, "unsubscribe", NULL, NULL);
  xmpp_presence_forget (self, jid);
}

/**
 * xmpp_presence_cancel_subscription:
 * @self: a presence module
 * @jid: the contact
 *
 * Stops the contact's subscription to our presence, or withdraws a
 * pre-approval (RFC 6121 §3.2, §3.4).
 */
void
xmpp_presence_cancel_subscription (XmppPresence *self,
                                   XmppJid      *jid)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (jid != NULL);

  send_subscription (self, jid, "unsubscribed", NULL, NULL);
}

/**
 * xmpp_presence_can_preapprove:
 * @self: a presence module
 *
 * Returns: whether the server announced subscription pre-approval
 *   (`<sub xmlns='urn:xmpp:features:pre-approval'/>`, RFC 6121 §3.4)
 */
gboolean
xmpp_presence_can_preapprove (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);

  return self->client != NULL &&
         xmpp_client_server_has_feature (self->client, "sub", NS_PRE_APPROVAL);
}

/**
 * xmpp_presence_preapprove:
 * @self: a presence module
 * @jid: the contact
 * @error: return location for a #GError
 *
 * Approves a subscription request from the contact before it is made
 * (RFC 6121 §3.4): the roster item gets `approved='true'` and the
 * server answers the request for us.  Only servers that announce the
 * feature accept this; see xmpp_presence_can_preapprove().
 *
 * Returns: %TRUE if the pre-approval was sent; %FALSE with @error set if
 *   the server does not support it
 */
gboolean
xmpp_presence_preapprove (XmppPresence  *self,
                          XmppJid       *jid,
                          GError       **error)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!xmpp_presence_can_preapprove (self))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_FAILED,
                           _("The server does not support approving contacts in advance"));
      return FALSE;
    }

  send_subscription (self, jid, "subscribed", NULL, NULL);
  return TRUE;
}
