import { comparableText, htmlToText, textToHtml } from '../../server/src/channels/intercom/html';
import { jobFrom, Notification } from '../../server/src/channels/intercom/notification';
import { ADMIN_ID, notification } from './helpers';

const parse = (n: unknown) => Notification.parse(n);

describe('intercom notifications', () => {
  test('created: the conversation source is the message, its author the contact', () => {
    const job = jobFrom(parse(notification({ id: 'n1', conversationId: '42', contactId: 'c9', body: '<p>Hi,<br>my order?</p>' })));
    expect(job).toEqual({ v: 1, topic: 'conversation.user.created', notificationId: 'n1', conversationId: '42', partId: null, contactId: 'c9', text: 'Hi,\nmy order?' });
  });

  test('replied: the last customer comment; a reply that reopened the conversation (part_type open) counts', () => {
    const n = notification({ id: 'n2', topic: 'conversation.user.replied', conversationId: '42', contactId: 'c9', body: 'x' }) as any;
    n.data.item.conversation_parts.conversation_parts = [
      { id: 'p1', part_type: 'comment', body: '<p>older</p>', author: { type: 'user', id: 'c9' } },
      { id: 'p2', part_type: 'open', body: '<p>newest</p>', author: { type: 'lead', id: 'c9' } },
      { id: 'p3', part_type: 'note', body: '<p>team note</p>', author: { type: 'admin', id: '1' } },
      { id: 'p4', part_type: 'assignment', body: null, author: { type: 'bot', id: '2' } },
    ];
    expect(jobFrom(parse(n))).toMatchObject({ partId: 'p2', text: 'newest', contactId: 'c9' });
  });

  test('nothing to answer: only admin parts, an attachment without text, no conversation', () => {
    const admin = notification({ id: 'n3', topic: 'conversation.user.replied', conversationId: '42', contactId: ADMIN_ID, body: 'x', authorType: 'admin' });
    expect(jobFrom(parse(admin), { botAdminId: ADMIN_ID })).toEqual({ skip: 'no customer comment in the notification' });
    const image = notification({ id: 'n4', conversationId: '42', contactId: 'c9', body: '<div class="intercom-container"><img src="https://x/y.png"></div>' });
    expect(jobFrom(parse(image))).toEqual({ skip: 'message without text' });
    expect(jobFrom(parse({ type: 'notification_event', id: 'n5', topic: 'conversation.user.created', app_id: 'a', data: { item: null } }))).toEqual({ skip: 'no conversation in the notification' });
  });

  test('teammates: an admin other than the AI\'s replying or assigned; the AI\'s own admin, teams and notes are not', () => {
    const replied = notification({ id: 'n7', topic: 'conversation.admin.replied', conversationId: '42', contactId: 'c9', body: 'x' }) as any;
    replied.data.item.conversation_parts.conversation_parts = [{ id: 'p1', part_type: 'comment', body: '<p>I will take it</p>', author: { type: 'admin', id: '77' } }];
    expect(jobFrom(parse(replied), { botAdminId: '5' })).toMatchObject({ text: '', admins: [{ id: '77', reason: 'replied' }] });
    expect(jobFrom(parse(replied), { botAdminId: '77' })).toEqual({ skip: 'no teammate took over' });
    replied.data.item.conversation_parts.conversation_parts[0].part_type = 'note';
    expect(jobFrom(parse(replied), { botAdminId: '5' })).toEqual({ skip: 'no teammate took over' });

    const assigned = notification({ id: 'n8', topic: 'conversation.admin.assigned', conversationId: '42', contactId: 'c9', body: 'x', parts: [] }) as any;
    assigned.data.item.conversation_parts.conversation_parts = [{ id: 'p2', part_type: 'assignment', body: null, author: { type: 'admin', id: '5' }, assigned_to: { type: 'team', id: '900' } }];
    expect(jobFrom(parse(assigned), { botAdminId: '5' })).toEqual({ skip: 'no teammate took over' });
    assigned.data.item.admin_assignee_id = 31;
    expect(jobFrom(parse(assigned), { botAdminId: '5' })).toMatchObject({ admins: [{ id: '31', reason: 'assigned' }] });

    // A customer message in a conversation assigned to a person carries the signal too.
    const msg = notification({ id: 'n9', topic: 'conversation.user.replied', conversationId: '42', contactId: 'c9', body: 'hi', adminAssigneeId: '31' });
    expect(jobFrom(parse(msg), { botAdminId: ADMIN_ID })).toMatchObject({ text: 'hi', admins: [{ id: '31', reason: 'assigned' }] });
    // The one whose quick-reply click is named in the part.
    const click = notification({ id: 'n10', topic: 'conversation.user.replied', conversationId: '42', contactId: 'c9', body: '<p>Yes, do it</p>', quickReplyUuid: 'u-1' });
    expect(jobFrom(parse(click), { botAdminId: ADMIN_ID })).toMatchObject({ text: 'Yes, do it', quickReplyUuid: 'u-1' });
  });

  test('numeric ids become strings; the text is capped at 8000 characters', () => {
    const n = notification({ id: 'n6', conversationId: '1', contactId: 'c', body: 'a'.repeat(9000) }) as any;
    n.data.item.id = 123456;
    const job = jobFrom(parse(n)) as any;
    expect(job.conversationId).toBe('123456');
    expect(job.text).toHaveLength(8000);
  });

  test('HTML to text and back', () => {
    expect(htmlToText('<p>A &amp; B &lt;3 &#39;x&#39; &#x1F600;</p><ul><li>one</li><li>two</li></ul><script>alert(1)</script>')).toBe("A & B <3 'x' 😀\n- one\n- two");
    expect(htmlToText('&#0; &#xD800; &bogus;')).toBe('&#0; &#xD800; &bogus;');
    expect(textToHtml('Hi <you>\nline 2\n\nNext & last')).toBe('<p>Hi &lt;you&gt;<br>line 2</p><p>Next &amp; last</p>');
    expect(comparableText(textToHtml('a\n\nb'))).toBe(comparableText('<p>a</p>\n<p>b</p>'));
  });
});
