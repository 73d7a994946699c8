import { DiscoverScreen } from '@/features/events/DiscoverScreen';
import { TabPage } from '@/ui/TabPage';

export default function DiscoverRoute() {
  return (
    <TabPage>
      <DiscoverScreen />
    </TabPage>
  );
}
