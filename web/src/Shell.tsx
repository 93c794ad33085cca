// The frame: sign-in, then the faces the caller's roles allow (self-service, operations, O&M), the menu of
// the pages his permissions open, the language switch and sign-out.
import { Button, Layout, Menu, Result, Segmented, Space, Spin, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ok, tokens, whenSignedOut } from './api/client';
import type { Me } from './api/types';
import { SessionContext, type Session } from './auth';
import { faces, visibleFaces, visiblePages } from './faces';
import { LangSwitch } from './components/LangSwitch';
import { Login } from './pages/login/Login';
import { go, href, useRoute } from './router';

export function Shell() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const route = useRoute();

  const reloadMe = useCallback(async () => {
    if (!tokens.access) return setMe(null);
    try {
      setMe(await ok(() => api.GET('/api/v1/auth/me')));
    } catch {
      tokens.clear();
      setMe(null);
    }
  }, []);
  useEffect(() => {
    whenSignedOut(() => setMe(null));
    void reloadMe();
  }, [reloadMe]);

  const session = useMemo<Session | null>(() => {
    if (!me) return null;
    const perms = new Set(me.permissions);
    return {
      me,
      can: (...p) => p.some((x) => perms.has(x)),
      reloadMe,
      async signOut() {
        await api.POST('/api/v1/auth/logout').catch(() => undefined);
        tokens.clear();
        setMe(null);
        location.hash = '';
      },
    };
  }, [me, reloadMe]);

  if (me === undefined) return <Spin fullscreen />;
  if (!session) return <Login onSignedIn={reloadMe} />;

  const allowed = visibleFaces(session);
  const face = allowed.find((f) => f.id === route.face) ?? allowed[0];
  if (face && face.id !== route.face) {
    // The jump after sign-in: the first face the roles allow.
    queueMicrotask(() => go(face.id, visiblePages(face, session)[0]!.id));
  }
  const pages = face ? visiblePages(face, session) : [];
  const page = pages.find((p) => p.id === route.page) ?? pages[0];
  const Page = page?.component;

  return (
    <SessionContext.Provider value={session}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#10284d' }}>
          <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
            {t('shell.title')}
          </Typography.Text>
          <nav aria-label={t('shell.faces')}>
            <Segmented
              value={face?.id}
              onChange={(v) => {
                const f = faces.find((x) => x.id === v)!;
                go(f.id, visiblePages(f, session)[0]!.id);
              }}
              options={allowed.map((f) => ({ value: f.id, label: t(`face.${f.id}`) }))}
            />
          </nav>
          <span style={{ flex: 1 }} />
          <Space>
            <LangSwitch />
            <Typography.Text style={{ color: '#fff' }} data-testid="who">
              {me!.email}
            </Typography.Text>
            <Button onClick={() => void session.signOut()}>{t('shell.signOut')}</Button>
          </Space>
        </Layout.Header>
        <Layout>
          <Layout.Sider width={210} theme="light">
            <nav aria-label={t('shell.menu')}>
              <Menu
                mode="inline"
                selectedKeys={page ? [page.id] : []}
                items={pages.map((p) => ({
                  key: p.id,
                  label: <a href={href(face!.id, p.id)}>{t(`page.${face!.id}.${p.id}`)}</a>,
                }))}
              />
            </nav>
          </Layout.Sider>
          <Layout.Content style={{ padding: 24 }}>
            <main>
              {Page ? (
                <>
                  <Typography.Title level={3}>{t(`page.${face!.id}.${page!.id}`)}</Typography.Title>
                  <Page key={`${face!.id}/${page!.id}/${route.id ?? ''}`} id={route.id} />
                </>
              ) : (
                <Result status="403" title={t('shell.nothingForYou')} />
              )}
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}
