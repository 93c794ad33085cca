// The portals' Ant Design theme. Beside the brand colour, it darkens the colours antd's defaults draw text in
// with less than WCAG AA contrast (4.5:1 for normal text on white or on the light tag backgrounds): secondary
// and description text (#8c8c8c, 3.4:1), the empty-list text (#bfbfbf, 1.8:1), links (antd's #1677ff, 4.1:1),
// danger buttons and error text (#ff4d4f, 3.3:1), and the text of the green, cyan, gold and orange tags
// (3.4, 3.4, 2.8 and 3.3:1 on their tints). test/portal/a11y checks the pages with axe-core's contrast rule.
import type { ThemeConfig } from 'antd';

const brand = '#1f5fbf';
/** rgba(0, 0, 0, 0.65) on white is #595959: 7:1. */
const secondaryText = 'rgba(0, 0, 0, 0.65)';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: brand,
    colorLink: brand,
    colorError: '#cf1322',
    colorTextSecondary: secondaryText,
    colorTextTertiary: secondaryText,
    colorTextDescription: secondaryText,
  },
  components: {
    // The "no data" text of an empty table is drawn in the disabled colour; it is content, not a disabled control.
    // (A list's empty text sits inside a Spin whose own colour variables win: lists pass a secondary Typography.Text.)
    Table: { colorTextDisabled: secondaryText },
    // A preset tag's text is the 7th shade of its palette; these take the 8th or 9th (5 to 6.5:1 on the tag's tint).
    Tag: { green7: '#237804', cyan7: '#006d75', gold7: '#874d00', orange7: '#ad4e00' },
  },
};
