import { Tabs } from 'expo-router';
import Bell from 'lucide-react-native/icons/bell';
import Compass from 'lucide-react-native/icons/compass';
import ReceiptText from 'lucide-react-native/icons/receipt-text';
import Ticket from 'lucide-react-native/icons/ticket';
import Briefcase from 'lucide-react-native/icons/briefcase';
import User from 'lucide-react-native/icons/user';
import { useUnreadCount } from '@/features/inbox/api';
import { useHasManage } from '@/features/manage/useManageAccess';
import { colors } from '@/ui/theme';

export default function TabsLayout() {
  const unread = useUnreadCount();
  const manage = useHasManage();
  return (
    <Tabs screenOptions={{ headerShown: false, tabBarActiveTintColor: colors.primary, tabBarInactiveTintColor: colors.muted }}>
      <Tabs.Screen name="index" options={{ title: 'Discover', tabBarIcon: ({ color, size }) => <Compass color={color} size={size} /> }} />
      <Tabs.Screen name="tickets" options={{ title: 'Tickets', tabBarIcon: ({ color, size }) => <Ticket color={color} size={size} /> }} />
      <Tabs.Screen
        name="bookings"
        options={{ title: 'Bookings', tabBarIcon: ({ color, size }) => <ReceiptText color={color} size={size} /> }}
      />
      <Tabs.Screen
        name="inbox"
        options={{
          title: 'Inbox',
          tabBarBadge: unread > 0 ? (unread > 99 ? '99+' : unread) : undefined,
          tabBarAccessibilityLabel: unread > 0 ? `Inbox, ${unread} unread` : 'Inbox',
          tabBarIcon: ({ color, size }) => <Bell color={color} size={size} />,
        }}
      />
      <Tabs.Screen
        name="manage"
        // Shown to organizers, admins and door staff only: attendees never see an empty tab.
        options={{
          title: 'Manage',
          href: manage ? '/manage' : null,
          tabBarIcon: ({ color, size }) => <Briefcase color={color} size={size} />,
        }}
      />
      <Tabs.Screen name="profile" options={{ title: 'Profile', tabBarIcon: ({ color, size }) => <User color={color} size={size} /> }} />
    </Tabs>
  );
}
