import { EventScreen } from '@/features/events/EventScreen';

export default EventScreen;
