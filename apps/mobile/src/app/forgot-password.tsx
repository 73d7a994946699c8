import { ForgotPasswordScreen } from '@/features/auth/PasswordScreens';

export default ForgotPasswordScreen;
